-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE orders RENAME COLUMN note TO customer_note;

-- migrate:down
ALTER TABLE orders RENAME COLUMN customer_note TO note;
