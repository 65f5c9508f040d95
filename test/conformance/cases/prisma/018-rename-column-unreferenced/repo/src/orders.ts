export const q0 = 'SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC';
export const q1 = 'INSERT INTO orders (id, customer_id, status, total, quantity) VALUES ($1, $2, $3, $4, $5)';
export const q2 = 'DELETE FROM customers WHERE id = $1';
