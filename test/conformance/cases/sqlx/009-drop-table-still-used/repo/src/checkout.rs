pub const Q0: &str = "SELECT percent FROM legacy_coupons WHERE code = $1";
