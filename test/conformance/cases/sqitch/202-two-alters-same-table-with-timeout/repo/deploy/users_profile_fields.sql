-- Deploy app:users_profile_fields to pg

BEGIN;

SET LOCAL lock_timeout = '3s';
ALTER TABLE users ADD COLUMN avatar_url text;
ALTER TABLE users ADD COLUMN time_zone text;

COMMIT;
