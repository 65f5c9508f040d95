-- no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);
