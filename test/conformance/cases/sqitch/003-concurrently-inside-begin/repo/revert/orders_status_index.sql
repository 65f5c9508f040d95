-- Revert app:orders_status_index from pg

DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
