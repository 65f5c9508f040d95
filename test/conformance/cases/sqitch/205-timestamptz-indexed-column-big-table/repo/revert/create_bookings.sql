-- Revert app:create_bookings from pg

BEGIN;

DROP TABLE bookings;
DROP TABLE rooms;

COMMIT;
