-- Deploy app:bookings_created_at_tz to pg

BEGIN;

SET LOCAL lock_timeout = '3s';
SET LOCAL TIME ZONE 'UTC';
ALTER TABLE bookings ALTER COLUMN created_at TYPE timestamptz;

COMMIT;
