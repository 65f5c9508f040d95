-- migrate:up
ALTER TABLE accounts ADD COLUMN locale text;

-- migrate:down
ALTER TABLE accounts DROP COLUMN locale;
