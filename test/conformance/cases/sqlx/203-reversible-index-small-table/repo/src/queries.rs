pub const Q0: &str = "SELECT enabled FROM feature_toggles WHERE name = $1";
