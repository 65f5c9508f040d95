-- Expand step 3/3: SHARE UPDATE EXCLUSIVE only; writes keep flowing.
ALTER TABLE orders VALIDATE CONSTRAINT orders_warehouse_id_fkey;
