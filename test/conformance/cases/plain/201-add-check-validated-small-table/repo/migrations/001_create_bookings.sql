CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE rooms (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  capacity integer NOT NULL,
  legacy_code text
);

CREATE TABLE bookings (
  id bigint PRIMARY KEY,
  room_id bigint NOT NULL REFERENCES rooms (id),
  guest_email text NOT NULL,
  guest_name text,
  during tstzrange NOT NULL,
  status text NOT NULL DEFAULT 'held',
  created_at timestamp NOT NULL DEFAULT now()
);

CREATE INDEX bookings_room_id_idx ON bookings (room_id);

CREATE INDEX bookings_created_at_idx ON bookings (created_at);
