-- +goose NO TRANSACTION
-- +goose Up
SET LOCAL lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN gift_wrap boolean;

-- +goose Down
ALTER TABLE orders DROP COLUMN gift_wrap;
