CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_invoice_id_idx ON payments (invoice_id);
