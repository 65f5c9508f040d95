DROP INDEX CONCURRENTLY IF EXISTS orders_status_placed_idx;
