-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE orders ALTER COLUMN note TYPE varchar(500);
ALTER TABLE orders ALTER COLUMN total TYPE numeric(16,2);

-- +goose Down
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);
ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);
