-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE invoices DROP COLUMN external_ref;

-- migrate:down
SET lock_timeout = '3s';
ALTER TABLE invoices ADD COLUMN external_ref text;
