-- migrate:up transaction:false
DROP INDEX CONCURRENTLY IF EXISTS invoice_lines_invoice_id_idx;

-- migrate:down
CREATE INDEX CONCURRENTLY IF NOT EXISTS invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);
