package store

const (
	q0 = `SELECT id, number, amount_cents, status FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC`
	q1 = `INSERT INTO payments (id, invoice_id, amount_cents, method, external_ref) VALUES ($1, $2, $3, $4, $5)`
	q2 = `SELECT id, amount_cents, paid_at FROM payments WHERE invoice_id = $1`
	q3 = `SELECT memo FROM invoices WHERE id = $1`
)
