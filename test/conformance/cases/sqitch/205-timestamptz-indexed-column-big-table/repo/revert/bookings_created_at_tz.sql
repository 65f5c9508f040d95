-- Revert app:bookings_created_at_tz from pg

BEGIN;

SET LOCAL TIME ZONE 'UTC';
ALTER TABLE bookings ALTER COLUMN created_at TYPE timestamp;

COMMIT;
