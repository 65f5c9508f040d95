-- +goose NO TRANSACTION
-- +goose Up
ALTER TYPE invoice_kind ADD VALUE IF NOT EXISTS 'proforma';
UPDATE invoice_templates SET kind = 'proforma' WHERE id = 3;

-- +goose Down
-- enum values cannot be removed; only the data change is reverted
UPDATE invoice_templates SET kind = 'standard' WHERE id = 3;
