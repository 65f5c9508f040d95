package store

const (
	q0 = `SELECT id, status, amount_cents FROM invoices WHERE account_id = $1`
	q1 = `INSERT INTO invoice_lines (id, invoice_id, sku, qty, unit_cents) VALUES ($1, $2, $3, $4, $5)`
	q2 = `SELECT id, qty FROM invoice_lines WHERE id = $1`
)
