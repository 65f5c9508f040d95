-- +goose Up
VACUUM (ANALYZE) invoices;

-- +goose Down
-- VACUUM has no inverse: nothing to undo.
