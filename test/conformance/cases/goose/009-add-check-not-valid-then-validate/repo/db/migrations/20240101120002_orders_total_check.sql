-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID;

-- +goose Down
ALTER TABLE orders DROP CONSTRAINT orders_total_nonnegative;
