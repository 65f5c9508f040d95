-- Deploy app:orders_quantity_check to pg

SET lock_timeout = '3s';
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0) NOT VALID;
COMMIT;

ALTER TABLE orders VALIDATE CONSTRAINT orders_quantity_positive;
