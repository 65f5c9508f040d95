-- Deploy app:orders_gift_wrap to pg

BEGIN;

SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN gift_wrap boolean;

COMMIT;
