-- +goose Up
CREATE SCHEMA reporting;
CREATE TABLE reporting.daily_totals (day date PRIMARY KEY, total numeric NOT NULL);

-- +goose Down
DROP SCHEMA reporting CASCADE;
