-- migrate:up
UPDATE accounts SET display_name = name WHERE display_name IS NULL;

-- migrate:down
