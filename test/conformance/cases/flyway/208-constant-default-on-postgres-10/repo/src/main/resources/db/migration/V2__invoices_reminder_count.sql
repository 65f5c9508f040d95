SET lock_timeout = '3s';

ALTER TABLE invoices ADD COLUMN reminder_count integer NOT NULL DEFAULT 0;
