SET LOCAL lock_timeout = '5s';
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_warehouse_id_fkey;
ALTER TABLE orders DROP COLUMN IF EXISTS warehouse_id;
