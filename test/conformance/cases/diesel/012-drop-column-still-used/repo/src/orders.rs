pub const Q0: &str = "SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC";
pub const Q1: &str = "SELECT id, note FROM orders WHERE customer_id = $1";
pub const Q2: &str = "UPDATE orders SET note = $2 WHERE id = $1";
