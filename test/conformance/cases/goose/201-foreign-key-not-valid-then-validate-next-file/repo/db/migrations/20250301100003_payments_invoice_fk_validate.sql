-- +goose Up
ALTER TABLE payments VALIDATE CONSTRAINT payments_invoice_id_fkey;

-- +goose Down
-- nothing to undo: validation has no inverse
