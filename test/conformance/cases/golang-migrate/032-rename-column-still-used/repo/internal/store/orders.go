package store

const (
	q0 = `SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC`
	q1 = `SELECT id, note FROM orders WHERE customer_id = $1`
	q2 = `UPDATE orders SET note = $2 WHERE id = $1`
)
