-- Verify app:orders_status_index on pg

BEGIN;

ROLLBACK;
