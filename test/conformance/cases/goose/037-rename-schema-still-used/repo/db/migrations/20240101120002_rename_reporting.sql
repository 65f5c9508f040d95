-- +goose Up
ALTER SCHEMA reporting RENAME TO analytics;

-- +goose Down
ALTER SCHEMA analytics RENAME TO reporting;
