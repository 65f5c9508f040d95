-- Verify app:create_users on pg

BEGIN;

ROLLBACK;
