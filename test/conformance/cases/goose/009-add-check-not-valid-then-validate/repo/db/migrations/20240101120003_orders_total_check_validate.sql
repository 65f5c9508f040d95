-- +goose Up
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;

-- +goose Down
-- VALIDATE CONSTRAINT has no inverse: nothing to undo.
