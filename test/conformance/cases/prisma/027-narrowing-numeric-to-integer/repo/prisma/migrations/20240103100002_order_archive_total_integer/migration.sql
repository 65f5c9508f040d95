ALTER TABLE order_archive ALTER COLUMN total TYPE integer;
