-- migrate:up
SET lock_timeout = '3s';

ALTER TABLE invoices ADD COLUMN reminder_count integer NOT NULL DEFAULT 0;

-- migrate:down
ALTER TABLE invoices DROP COLUMN reminder_count;
