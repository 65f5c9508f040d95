-- +goose Up
TRUNCATE accounts CASCADE;

-- +goose Down
-- truncated rows cannot be restored
