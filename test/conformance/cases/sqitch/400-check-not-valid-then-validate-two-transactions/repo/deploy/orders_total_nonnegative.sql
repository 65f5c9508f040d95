-- Deploy shop:orders_total_nonnegative to pg

BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total_cents >= 0) NOT VALID;
COMMIT;

-- separate transaction: VALIDATE only takes SHARE UPDATE EXCLUSIVE
BEGIN;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;
COMMIT;
