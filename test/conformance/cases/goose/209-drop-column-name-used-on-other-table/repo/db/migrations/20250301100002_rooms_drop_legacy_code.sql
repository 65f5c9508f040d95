-- +goose Up
ALTER TABLE rooms DROP COLUMN legacy_code;

-- +goose Down
ALTER TABLE rooms ADD COLUMN legacy_code text;
