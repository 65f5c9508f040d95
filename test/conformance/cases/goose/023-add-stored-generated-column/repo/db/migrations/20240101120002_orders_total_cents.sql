-- +goose Up
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED;

-- +goose Down
ALTER TABLE orders DROP COLUMN total_cents;
