-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE orders RENAME COLUMN note TO customer_note;

-- +goose Down
ALTER TABLE orders RENAME COLUMN customer_note TO note;
