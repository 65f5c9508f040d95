-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;

-- +goose Down
ALTER TABLE customers DROP CONSTRAINT customers_email_key;
