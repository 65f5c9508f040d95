-- Verify app:bookings_created_at_tz on pg

BEGIN;

ROLLBACK;
