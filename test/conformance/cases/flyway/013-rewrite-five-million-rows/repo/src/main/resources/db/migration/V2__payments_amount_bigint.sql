ALTER TABLE payments ALTER COLUMN amount_cents TYPE bigint;
