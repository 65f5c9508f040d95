-- Verify app:create_shop on pg

BEGIN;

ROLLBACK;
