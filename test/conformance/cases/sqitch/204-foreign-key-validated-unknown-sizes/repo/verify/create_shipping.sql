-- Verify app:create_shipping on pg

BEGIN;

ROLLBACK;
