SET lock_timeout = '3s';
ALTER TABLE invoices ALTER COLUMN tax_cents SET NOT NULL;
