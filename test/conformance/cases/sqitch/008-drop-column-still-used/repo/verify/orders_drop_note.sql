-- Verify app:orders_drop_note on pg

BEGIN;

ROLLBACK;
