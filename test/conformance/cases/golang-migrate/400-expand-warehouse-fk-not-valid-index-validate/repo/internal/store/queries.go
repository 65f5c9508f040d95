package store

const (
	q0 = `SELECT id, email, full_name FROM customers WHERE id = $1`
	q1 = `SELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 50`
	q2 = `INSERT INTO orders (id, customer_id, status, total_cents) VALUES ($1, $2, $3, $4)`
	q3 = `SELECT product_id, qty, unit_cents FROM order_items WHERE order_id = $1`
	q4 = `SELECT id, sku, title, price_cents FROM products WHERE sku = $1`
	q5 = `SELECT body, created_at FROM order_notes WHERE order_id = $1 ORDER BY created_at`
)
