-- +goose Up
SET lock_timeout = '3s';

ALTER TABLE invoices ALTER COLUMN memo SET NOT NULL;

ALTER TABLE invoices DROP CONSTRAINT invoices_memo_not_null;

-- +goose Down
ALTER TABLE invoices ADD CONSTRAINT invoices_memo_not_null CHECK (memo IS NOT NULL) NOT VALID;
ALTER TABLE invoices ALTER COLUMN memo DROP NOT NULL;
