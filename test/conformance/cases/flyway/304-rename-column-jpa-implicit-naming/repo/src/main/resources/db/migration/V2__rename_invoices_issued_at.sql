SET lock_timeout = '3s';
ALTER TABLE invoices RENAME COLUMN issued_at TO issued_on;
