-- Verify shop:order_items_product_id_idx on pg

SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE c.relname = 'order_items_product_id_idx' AND i.indisvalid;
