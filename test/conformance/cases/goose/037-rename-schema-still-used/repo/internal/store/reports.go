package store

const (
	q0 = `SELECT day, total FROM reporting.daily_totals ORDER BY day DESC LIMIT 30`
)
