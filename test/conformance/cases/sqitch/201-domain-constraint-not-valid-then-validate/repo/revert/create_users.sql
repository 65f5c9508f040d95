-- Revert app:create_users from pg

BEGIN;

DROP TABLE invitations;
DROP TABLE users;
DROP DOMAIN email_address;

COMMIT;
