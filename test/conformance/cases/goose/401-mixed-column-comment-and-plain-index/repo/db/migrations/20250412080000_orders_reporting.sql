-- +goose Up
ALTER TABLE orders ADD COLUMN fulfilled_at timestamptz;
COMMENT ON COLUMN orders.fulfilled_at IS 'set by the fulfilment worker when the last parcel ships';
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at);

-- +goose Down
DROP INDEX IF EXISTS orders_status_placed_at_idx;
ALTER TABLE orders DROP COLUMN IF EXISTS fulfilled_at;
