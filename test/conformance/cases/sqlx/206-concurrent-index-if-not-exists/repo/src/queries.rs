pub const Q0: &str = "SELECT metric, value, recorded_at FROM readings WHERE device_id = $1 AND recorded_at >= $2 ORDER BY recorded_at";
pub const Q1: &str = "INSERT INTO readings (id, device_id, metric, value, payload, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)";
pub const Q2: &str = "SELECT id, serial, model, firmware FROM devices WHERE id = $1";
pub const Q3: &str = "SELECT device_id, value FROM readings WHERE metric = $1 AND recorded_at >= $2";
