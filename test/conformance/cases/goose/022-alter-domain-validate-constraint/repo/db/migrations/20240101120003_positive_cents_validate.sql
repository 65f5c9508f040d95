-- +goose Up
ALTER DOMAIN positive_cents VALIDATE CONSTRAINT positive_cents_check;

-- +goose Down
-- nothing to undo
