-- migrate:up
SET lock_timeout = '3s';
SET LOCAL TIME ZONE 'UTC';
ALTER TABLE invoices ALTER COLUMN issued_on TYPE timestamptz;

-- migrate:down
SET LOCAL TIME ZONE 'UTC';
ALTER TABLE invoices ALTER COLUMN issued_on TYPE timestamp;
