pub const Q0: &str = "SELECT id, email, full_name FROM customers WHERE id = $1";
pub const Q1: &str = "SELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 50";
pub const Q2: &str = "INSERT INTO orders (id, customer_id, status, total_cents) VALUES ($1, $2, $3, $4)";
pub const Q3: &str = "SELECT product_id, qty, unit_cents FROM order_items WHERE order_id = $1";
pub const Q4: &str = "SELECT id, sku, title, price_cents FROM products WHERE sku = $1";
pub const Q5: &str = "SELECT body, created_at FROM order_notes WHERE order_id = $1 ORDER BY created_at";
