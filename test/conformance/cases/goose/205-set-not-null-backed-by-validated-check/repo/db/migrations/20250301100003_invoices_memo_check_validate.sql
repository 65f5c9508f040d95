-- +goose Up
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_memo_not_null;

-- +goose Down
