-- Expand step 2/3: one statement, so golang-migrate runs it outside a transaction.
CREATE INDEX CONCURRENTLY orders_warehouse_id_idx ON orders (warehouse_id);
