pub const Q0: &str = "SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC";
pub const Q1: &str = "INSERT INTO orders (id, customer_id, status, total, quantity) VALUES ($1, $2, $3, $4, $5)";
pub const Q2: &str = "DELETE FROM customers WHERE id = $1";
