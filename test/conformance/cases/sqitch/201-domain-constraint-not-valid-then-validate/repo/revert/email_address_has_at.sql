-- Revert app:email_address_has_at from pg

BEGIN;
ALTER DOMAIN email_address DROP CONSTRAINT email_address_has_at;
COMMIT;
