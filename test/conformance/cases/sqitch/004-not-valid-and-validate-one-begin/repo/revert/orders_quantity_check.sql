-- Revert app:orders_quantity_check from pg

BEGIN;

ALTER TABLE orders DROP CONSTRAINT orders_quantity_positive;

COMMIT;
