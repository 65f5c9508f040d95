Q0 = """SELECT metric, value, recorded_at FROM readings WHERE device_id = $1 AND recorded_at >= $2 ORDER BY recorded_at"""
Q1 = """INSERT INTO readings (id, device_id, metric, value, payload, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)"""
Q2 = """SELECT id, serial, model, firmware FROM devices WHERE id = $1"""
