-- +goose Up
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);

-- +goose Down
ALTER TABLE customers DROP CONSTRAINT customers_email_key;
