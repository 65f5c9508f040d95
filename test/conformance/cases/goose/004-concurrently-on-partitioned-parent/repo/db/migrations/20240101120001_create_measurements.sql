-- +goose Up
CREATE TABLE measurements (
  sensor_id bigint NOT NULL,
  taken_at timestamptz NOT NULL,
  reading double precision
) PARTITION BY RANGE (taken_at);

CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- +goose Down
DROP TABLE measurements;
