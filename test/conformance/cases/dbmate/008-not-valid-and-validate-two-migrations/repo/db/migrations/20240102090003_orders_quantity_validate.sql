-- migrate:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_quantity_positive;

-- migrate:down
-- nothing to undo: VALIDATE has no inverse
