-- +goose NO TRANSACTION
-- +goose Up
-- Retention: September moves to the archive cluster; DETACH ... CONCURRENTLY cannot run in a transaction.
ALTER TABLE order_events DETACH PARTITION order_events_2026_09 CONCURRENTLY;

-- +goose Down
ALTER TABLE order_events ATTACH PARTITION order_events_2026_09
  FOR VALUES FROM ('2026-09-01') TO ('2026-10-01');
