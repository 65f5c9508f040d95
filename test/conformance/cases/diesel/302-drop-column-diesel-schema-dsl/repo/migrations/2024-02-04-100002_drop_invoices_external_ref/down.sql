SET lock_timeout = '3s';
ALTER TABLE invoices ADD COLUMN external_ref text;
