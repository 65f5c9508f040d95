-- Verify app:reindex_bookings_room on pg

BEGIN;

ROLLBACK;
