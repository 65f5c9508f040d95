-- +goose NO TRANSACTION
-- +goose Up
DROP INDEX CONCURRENTLY customers_email_key;

-- +goose Down
CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);
