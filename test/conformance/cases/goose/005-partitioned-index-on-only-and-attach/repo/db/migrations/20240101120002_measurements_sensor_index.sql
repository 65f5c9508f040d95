-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX measurements_sensor_idx ON ONLY measurements (sensor_id);
CREATE INDEX CONCURRENTLY measurements_2024_sensor_idx ON measurements_2024 (sensor_id);
CREATE INDEX CONCURRENTLY measurements_2025_sensor_idx ON measurements_2025 (sensor_id);
ALTER INDEX measurements_sensor_idx ATTACH PARTITION measurements_2024_sensor_idx;
ALTER INDEX measurements_sensor_idx ATTACH PARTITION measurements_2025_sensor_idx;

-- +goose Down
DROP INDEX IF EXISTS measurements_sensor_idx;
