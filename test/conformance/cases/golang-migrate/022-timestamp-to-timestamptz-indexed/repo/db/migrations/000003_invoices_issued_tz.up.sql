SET lock_timeout = '3s';
SET TIME ZONE 'UTC';
ALTER TABLE invoices ALTER COLUMN issued_on TYPE timestamptz;
