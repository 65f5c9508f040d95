-- +goose NO TRANSACTION
-- +goose Up
CREATE UNIQUE INDEX CONCURRENTLY customers_email_live_key ON customers (email) WHERE full_name IS NOT NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS customers_email_live_key;
