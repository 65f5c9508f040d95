package store

const (
	q0 = `SELECT percent FROM legacy_coupons WHERE code = $1`
)
