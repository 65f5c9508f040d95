DROP INDEX CONCURRENTLY IF EXISTS payments_external_ref_idx;
