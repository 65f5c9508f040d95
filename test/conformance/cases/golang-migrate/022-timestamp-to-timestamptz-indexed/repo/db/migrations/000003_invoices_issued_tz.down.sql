SET TIME ZONE 'UTC';
ALTER TABLE invoices ALTER COLUMN issued_on TYPE timestamp;
