DROP INDEX CONCURRENTLY IF EXISTS orders_customer_placed_idx;
