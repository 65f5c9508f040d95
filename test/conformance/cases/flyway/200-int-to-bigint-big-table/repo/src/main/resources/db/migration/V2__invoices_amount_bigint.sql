SET lock_timeout = '3s';

ALTER TABLE invoices ALTER COLUMN amount_cents TYPE bigint;
