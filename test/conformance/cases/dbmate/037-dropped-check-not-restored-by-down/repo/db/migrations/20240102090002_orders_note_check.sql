-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE orders ADD CONSTRAINT orders_note_not_null CHECK (note IS NOT NULL) NOT VALID;

-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_note_not_null;
