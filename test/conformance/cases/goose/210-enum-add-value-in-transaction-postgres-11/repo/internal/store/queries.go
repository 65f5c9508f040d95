package store

const (
	q0 = `SELECT id, subject FROM tickets WHERE state = $1`
)
