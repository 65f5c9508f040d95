pub const Q0: &str = "SELECT device_id FROM device_tokens WHERE token = $1";
pub const Q1: &str = "INSERT INTO device_tokens (token, device_id) VALUES ($1, $2)";
