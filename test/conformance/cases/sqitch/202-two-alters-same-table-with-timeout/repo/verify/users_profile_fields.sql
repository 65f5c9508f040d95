-- Verify app:users_profile_fields on pg

BEGIN;

ROLLBACK;
