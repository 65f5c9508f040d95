-- +goose Up
ALTER TABLE invoices ADD CONSTRAINT invoices_memo_not_null CHECK (memo IS NOT NULL) NOT VALID;

-- +goose Down
ALTER TABLE invoices DROP CONSTRAINT invoices_memo_not_null;
