SET TIME ZONE 'UTC';
ALTER TABLE order_archive ALTER COLUMN placed_at TYPE timestamptz;
