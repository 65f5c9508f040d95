-- migrate:up
ALTER TABLE accounts ADD CONSTRAINT accounts_name_key UNIQUE (name);

-- migrate:down
ALTER TABLE accounts DROP CONSTRAINT accounts_name_key;
