-- +goose Up
ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0);

-- +goose Down
ALTER TABLE orders DROP CONSTRAINT orders_total_nonnegative;
