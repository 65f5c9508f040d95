ALTER TABLE orders ALTER COLUMN quantity TYPE integer;
