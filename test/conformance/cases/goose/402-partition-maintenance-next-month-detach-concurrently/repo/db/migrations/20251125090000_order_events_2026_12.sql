-- +goose Up
SET LOCAL lock_timeout = '3s';
CREATE TABLE order_events_2026_12 PARTITION OF order_events
  FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');

-- +goose Down
DROP TABLE IF EXISTS order_events_2026_12;
