-- +goose Up
CREATE TABLE sensors (id bigint PRIMARY KEY, label text NOT NULL);
CREATE TABLE readings (
  sensor_id bigint NOT NULL,
  taken_at timestamptz NOT NULL,
  value double precision
) PARTITION BY RANGE (taken_at);
CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX readings_sensor_id_idx ON readings (sensor_id);

-- +goose Down
DROP TABLE readings;
DROP TABLE sensors;
