package store

const (
	q0 = `SELECT action, at FROM audit_log WHERE actor_id = $1 ORDER BY at DESC`
)
