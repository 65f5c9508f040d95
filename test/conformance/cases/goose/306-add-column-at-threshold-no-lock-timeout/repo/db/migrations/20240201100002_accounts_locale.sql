-- +goose Up
ALTER TABLE accounts ADD COLUMN locale text;

-- +goose Down
ALTER TABLE accounts DROP COLUMN locale;
