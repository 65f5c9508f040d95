-- +goose Up
CREATE INDEX events_kind_idx ON events (kind);

-- +goose Down
DROP INDEX events_kind_idx;
