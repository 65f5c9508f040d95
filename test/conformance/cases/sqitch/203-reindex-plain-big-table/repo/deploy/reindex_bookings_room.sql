-- Deploy app:reindex_bookings_room to pg

BEGIN;
REINDEX INDEX bookings_room_id_idx;
COMMIT;
