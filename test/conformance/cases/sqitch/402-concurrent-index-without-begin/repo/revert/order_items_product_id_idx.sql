-- Revert shop:order_items_product_id_idx from pg

DROP INDEX CONCURRENTLY IF EXISTS order_items_product_id_idx;
