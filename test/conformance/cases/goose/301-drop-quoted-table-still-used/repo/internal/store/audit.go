package store

const (
	insertAudit = `INSERT INTO "AuditLog" (id, "accountId", action) VALUES ($1, $2, $3)`
	listAudit   = `SELECT id, action, "createdAt" FROM "AuditLog" WHERE "accountId" = $1 ORDER BY "createdAt" DESC LIMIT 100`
)
