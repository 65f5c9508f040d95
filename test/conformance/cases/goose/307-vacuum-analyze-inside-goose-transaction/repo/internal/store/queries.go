package store

const (
	q0 = `SELECT id, status, amount_cents, issued_at FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC`
	q1 = `INSERT INTO invoices (id, account_id, status, amount_cents) VALUES ($1, $2, $3, $4)`
	q2 = `SELECT sku, qty, unit_cents FROM invoice_lines WHERE invoice_id = $1`
	q3 = `SELECT id, email, plan FROM accounts WHERE id = $1`
)
