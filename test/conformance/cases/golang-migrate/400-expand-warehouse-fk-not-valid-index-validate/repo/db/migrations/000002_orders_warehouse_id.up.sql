-- Expand step 1/3: nullable column + FK that skips the scan.
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN warehouse_id integer;
ALTER TABLE orders ADD CONSTRAINT orders_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES warehouses (id) NOT VALID;
