ALTER TABLE order_archive ALTER COLUMN id TYPE integer;
