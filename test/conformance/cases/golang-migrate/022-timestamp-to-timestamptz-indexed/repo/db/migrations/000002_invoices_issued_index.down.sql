DROP INDEX CONCURRENTLY IF EXISTS invoices_issued_on_idx;
