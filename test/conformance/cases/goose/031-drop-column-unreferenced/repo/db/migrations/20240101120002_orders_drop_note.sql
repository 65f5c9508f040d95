-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE orders DROP COLUMN note;

-- +goose Down
ALTER TABLE orders ADD COLUMN note varchar(200);
