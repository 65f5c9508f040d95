SET lock_timeout = '3s';
ALTER TABLE orders RENAME COLUMN note TO customer_note;
