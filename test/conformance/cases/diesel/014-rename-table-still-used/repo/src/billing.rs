pub const Q0: &str = "SELECT amount_cents FROM payments WHERE invoice_id = $1";
