-- +goose Up
ALTER TABLE orders ADD CONSTRAINT orders_note_not_null CHECK (note IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_note_not_null;

-- +goose Down
ALTER TABLE orders DROP CONSTRAINT orders_note_not_null;
