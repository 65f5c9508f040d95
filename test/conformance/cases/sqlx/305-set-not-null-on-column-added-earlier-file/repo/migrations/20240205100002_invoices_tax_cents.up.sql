SET lock_timeout = '3s';
ALTER TABLE invoices ADD COLUMN tax_cents bigint;
