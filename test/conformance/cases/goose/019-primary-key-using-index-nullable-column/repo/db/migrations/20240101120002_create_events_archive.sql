-- +goose Up
CREATE TABLE events_archive (id bigint, account_id bigint NOT NULL, kind text NOT NULL);

-- +goose Down
DROP TABLE events_archive;
