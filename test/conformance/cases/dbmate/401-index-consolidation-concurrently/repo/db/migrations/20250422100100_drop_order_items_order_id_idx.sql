-- migrate:up transaction:false
-- Redundant: order_items_order_id_product_id_idx leads with order_id.
DROP INDEX CONCURRENTLY IF EXISTS order_items_order_id_idx;

-- migrate:down transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS order_items_order_id_idx ON order_items (order_id);
