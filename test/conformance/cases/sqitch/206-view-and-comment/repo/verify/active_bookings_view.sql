-- Verify app:active_bookings_view on pg

BEGIN;

ROLLBACK;
