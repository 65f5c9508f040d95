DROP INDEX CONCURRENTLY IF EXISTS orders_warehouse_id_idx;
