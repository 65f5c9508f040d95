package store

const (
	q0 = `SELECT note FROM orders WHERE id = $1`
)
