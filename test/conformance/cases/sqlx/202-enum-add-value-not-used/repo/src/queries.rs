pub const Q0: &str = "SELECT id, state FROM reservations WHERE id = $1";
