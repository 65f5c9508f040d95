-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY readings_device_metric_time_value_idx ON readings (device_id, metric, recorded_at, value);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS readings_device_metric_time_value_idx;
