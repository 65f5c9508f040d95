ALTER TABLE orders RENAME COLUMN customer_note TO note;
