-- +goose Up
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_order_fk;

-- +goose Down
-- VALIDATE has no inverse; nothing to undo.
