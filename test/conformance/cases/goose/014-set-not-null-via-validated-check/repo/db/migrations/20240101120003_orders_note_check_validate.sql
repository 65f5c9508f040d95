-- +goose Up
ALTER TABLE orders VALIDATE CONSTRAINT orders_note_not_null;

-- +goose Down
-- nothing to undo
