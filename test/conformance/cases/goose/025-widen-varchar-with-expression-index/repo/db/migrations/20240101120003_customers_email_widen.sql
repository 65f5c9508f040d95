-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE customers ALTER COLUMN email TYPE varchar(255);

-- +goose Down
ALTER TABLE customers ALTER COLUMN email TYPE varchar(120);
