CREATE INDEX CONCURRENTLY payments_external_ref_idx ON payments (external_ref);
