-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS payments_paid_at_idx;
