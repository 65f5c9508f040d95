-- Deploy shop:order_items_product_id_idx to pg
-- No BEGIN/COMMIT: CREATE INDEX CONCURRENTLY cannot run inside a transaction block.

CREATE INDEX CONCURRENTLY IF NOT EXISTS order_items_product_id_idx ON order_items (product_id);
