-- Deploy app:email_address_has_at to pg

BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER DOMAIN email_address ADD CONSTRAINT email_address_has_at CHECK (VALUE LIKE '%@%') NOT VALID;
COMMIT;

BEGIN;
ALTER DOMAIN email_address VALIDATE CONSTRAINT email_address_has_at;
COMMIT;
