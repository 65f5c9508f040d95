-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_note_not_null;

-- migrate:down
ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;
