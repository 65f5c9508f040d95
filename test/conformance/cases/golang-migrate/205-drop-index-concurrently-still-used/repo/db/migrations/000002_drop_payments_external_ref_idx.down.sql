CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_external_ref_idx ON payments (external_ref);
