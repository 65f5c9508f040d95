-- +goose Up
CREATE TABLE audit_log (
  id bigint NOT NULL,
  logged_at timestamptz NOT NULL,
  detail text
) PARTITION BY RANGE (logged_at);
CREATE TABLE audit_log_2023 PARTITION OF audit_log FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE audit_log_2024 PARTITION OF audit_log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- +goose Down
DROP TABLE audit_log;
