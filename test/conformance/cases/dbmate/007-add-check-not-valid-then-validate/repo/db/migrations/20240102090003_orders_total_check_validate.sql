-- migrate:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;

-- migrate:down
-- VALIDATE CONSTRAINT has no inverse: nothing to undo.
