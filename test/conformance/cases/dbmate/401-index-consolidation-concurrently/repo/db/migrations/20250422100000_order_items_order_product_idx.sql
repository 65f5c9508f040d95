-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY order_items_order_id_product_id_idx ON order_items (order_id, product_id);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS order_items_order_id_product_id_idx;
