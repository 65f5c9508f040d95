-- +goose Up
CREATE INDEX customers_email_lower_idx ON customers (lower(email));

-- +goose Down
DROP INDEX customers_email_lower_idx;
