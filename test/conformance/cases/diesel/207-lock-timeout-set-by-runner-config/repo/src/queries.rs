pub const Q0: &str = "SELECT id, number, amount_cents, status FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC";
pub const Q1: &str = "INSERT INTO payments (id, invoice_id, amount_cents, method, external_ref) VALUES ($1, $2, $3, $4, $5)";
pub const Q2: &str = "SELECT id, amount_cents, paid_at FROM payments WHERE invoice_id = $1";
