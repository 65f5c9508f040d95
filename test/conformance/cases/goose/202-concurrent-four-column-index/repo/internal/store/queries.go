package store

const (
	q0 = `SELECT metric, value, recorded_at FROM readings WHERE device_id = $1 AND recorded_at >= $2 ORDER BY recorded_at`
	q1 = `INSERT INTO readings (id, device_id, metric, value, payload, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)`
	q2 = `SELECT id, serial, model, firmware FROM devices WHERE id = $1`
	q3 = `SELECT value FROM readings WHERE device_id = $1 AND metric = $2 AND recorded_at >= $3`
)
