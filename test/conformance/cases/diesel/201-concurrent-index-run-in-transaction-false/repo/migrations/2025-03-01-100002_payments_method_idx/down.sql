DROP INDEX CONCURRENTLY IF EXISTS payments_method_paid_at_idx;
