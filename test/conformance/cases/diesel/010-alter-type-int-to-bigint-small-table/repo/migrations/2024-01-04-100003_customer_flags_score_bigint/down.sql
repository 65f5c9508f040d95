ALTER TABLE customer_flags ALTER COLUMN score TYPE integer;
