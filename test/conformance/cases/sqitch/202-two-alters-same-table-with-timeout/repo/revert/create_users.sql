-- Revert app:create_users from pg

BEGIN;

DROP TABLE sessions;
DROP TABLE users;

COMMIT;
