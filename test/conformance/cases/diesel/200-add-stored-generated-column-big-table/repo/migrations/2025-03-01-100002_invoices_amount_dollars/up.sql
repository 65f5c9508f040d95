SET lock_timeout = '3s';

ALTER TABLE invoices ADD COLUMN amount_dollars numeric(14,2) GENERATED ALWAYS AS (amount_cents / 100.0) STORED;
