SET lock_timeout = '3s';
ALTER TABLE invoices ALTER COLUMN tax_cents DROP NOT NULL;
