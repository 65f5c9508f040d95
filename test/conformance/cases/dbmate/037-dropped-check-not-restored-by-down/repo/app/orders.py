Q0 = """SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC"""
Q1 = """INSERT INTO orders (id, customer_id, status, total, quantity, note) VALUES ($1, $2, $3, $4, $5, $6)"""
Q2 = """DELETE FROM customers WHERE id = $1"""
