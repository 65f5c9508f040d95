-- +goose Up
SET lock_timeout = '3s';

ALTER TABLE devices ADD COLUMN config json;

-- +goose Down
ALTER TABLE devices DROP COLUMN config;
