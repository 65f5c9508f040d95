-- +goose Up
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;

-- +goose Down
ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;
