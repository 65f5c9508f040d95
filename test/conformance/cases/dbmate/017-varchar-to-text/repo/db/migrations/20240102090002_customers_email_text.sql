-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE customers ALTER COLUMN email TYPE text;

-- migrate:down
ALTER TABLE customers ALTER COLUMN email TYPE varchar(120);
