-- Verify app:create_billing on pg

BEGIN;

ROLLBACK;
