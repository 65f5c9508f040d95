-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_quantity_positive;

-- +goose Down
ALTER TABLE orders DROP CONSTRAINT orders_quantity_positive;
