pub const Q0: &str = "SELECT id, status, amount_cents, issued_at FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC";
pub const Q1: &str = "INSERT INTO invoices (id, account_id, status, amount_cents) VALUES ($1, $2, $3, $4)";
pub const Q2: &str = "SELECT sku, qty, unit_cents FROM invoice_lines WHERE invoice_id = $1";
pub const Q3: &str = "SELECT id, email, plan FROM accounts WHERE id = $1";
