-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE orders ALTER COLUMN note SET NOT NULL, DROP CONSTRAINT orders_note_not_null;

-- +goose Down
ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;
