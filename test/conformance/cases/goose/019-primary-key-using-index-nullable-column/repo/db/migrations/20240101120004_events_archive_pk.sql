-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE events_archive ADD CONSTRAINT events_archive_pkey PRIMARY KEY USING INDEX events_archive_id_key;

-- +goose Down
ALTER TABLE events_archive DROP CONSTRAINT events_archive_pkey;
ALTER TABLE events_archive ALTER COLUMN id DROP NOT NULL;
CREATE UNIQUE INDEX events_archive_id_key ON events_archive (id);
