ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;
