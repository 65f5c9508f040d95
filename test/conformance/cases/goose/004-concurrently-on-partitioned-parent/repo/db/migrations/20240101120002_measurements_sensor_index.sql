-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY measurements_sensor_idx ON measurements (sensor_id);

-- +goose Down
DROP INDEX IF EXISTS measurements_sensor_idx;
