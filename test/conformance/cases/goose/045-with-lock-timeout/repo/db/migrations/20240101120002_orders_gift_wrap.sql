-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN gift_wrap boolean;
ALTER TABLE customers ADD COLUMN locale text;

-- +goose Down
ALTER TABLE customers DROP COLUMN locale;
ALTER TABLE orders DROP COLUMN gift_wrap;
