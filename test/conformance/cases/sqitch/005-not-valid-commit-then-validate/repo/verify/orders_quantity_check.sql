-- Verify app:orders_quantity_check on pg

BEGIN;

ROLLBACK;
