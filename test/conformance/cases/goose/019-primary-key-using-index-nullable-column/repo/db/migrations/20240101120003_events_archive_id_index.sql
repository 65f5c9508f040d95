-- +goose NO TRANSACTION
-- +goose Up
CREATE UNIQUE INDEX CONCURRENTLY events_archive_id_key ON events_archive (id);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS events_archive_id_key;
