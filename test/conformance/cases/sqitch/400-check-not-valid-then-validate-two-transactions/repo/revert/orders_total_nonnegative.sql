-- Revert shop:orders_total_nonnegative from pg

BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_nonnegative;
COMMIT;
