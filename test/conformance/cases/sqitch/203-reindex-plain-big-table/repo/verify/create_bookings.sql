-- Verify app:create_bookings on pg

BEGIN;

ROLLBACK;
