package store

const (
	q0 = `UPDATE shipments SET state = 'shipped' WHERE id = $1`
)
