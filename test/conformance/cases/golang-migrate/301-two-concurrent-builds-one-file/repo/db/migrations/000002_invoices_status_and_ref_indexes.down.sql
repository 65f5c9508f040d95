DROP INDEX CONCURRENTLY IF EXISTS invoices_external_ref_idx;
DROP INDEX CONCURRENTLY IF EXISTS invoices_status_idx;
