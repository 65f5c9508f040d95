-- Revert app:active_bookings_view from pg

BEGIN;

DROP VIEW active_bookings;

COMMIT;
