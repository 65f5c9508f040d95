-- Revert app:orders_gift_wrap from pg

BEGIN;

ALTER TABLE orders DROP COLUMN gift_wrap;

COMMIT;
