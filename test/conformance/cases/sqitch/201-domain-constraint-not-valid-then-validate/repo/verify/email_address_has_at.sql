-- Verify app:email_address_has_at on pg

BEGIN;

ROLLBACK;
