-- +goose Up
TRUNCATE sessions;

-- +goose Down
-- cannot restore truncated rows
