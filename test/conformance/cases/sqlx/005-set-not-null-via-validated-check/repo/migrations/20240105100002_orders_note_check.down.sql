ALTER TABLE orders DROP CONSTRAINT orders_note_not_null;
