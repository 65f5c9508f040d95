-- +goose Up
ALTER TABLE events_archive ADD PRIMARY KEY (id);

-- +goose Down
ALTER TABLE events_archive DROP CONSTRAINT events_archive_pkey;
