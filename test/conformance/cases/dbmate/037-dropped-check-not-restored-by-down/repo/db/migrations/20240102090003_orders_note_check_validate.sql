-- migrate:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_note_not_null;

-- migrate:down
-- nothing to undo
