-- name: GetPaymentByRef :one
SELECT id, invoice_id, amount_cents FROM payments WHERE external_ref = $1;

-- name: ListInvoices :many
SELECT id, status, amount_cents FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC;
