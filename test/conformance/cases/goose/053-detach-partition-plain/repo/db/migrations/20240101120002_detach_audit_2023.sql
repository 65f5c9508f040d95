-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE audit_log DETACH PARTITION audit_log_2023;

-- +goose Down
ALTER TABLE audit_log ATTACH PARTITION audit_log_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
