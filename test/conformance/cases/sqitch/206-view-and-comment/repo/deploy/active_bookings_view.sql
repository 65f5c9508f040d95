-- Deploy app:active_bookings_view to pg

BEGIN;

CREATE VIEW active_bookings AS
  SELECT id, room_id, guest_email, during
    FROM bookings
   WHERE status <> 'cancelled';

COMMENT ON VIEW active_bookings IS 'Bookings that still hold a room';

COMMIT;
