-- Revert app:users_profile_fields from pg

BEGIN;

ALTER TABLE users DROP COLUMN time_zone;
ALTER TABLE users DROP COLUMN avatar_url;

COMMIT;
