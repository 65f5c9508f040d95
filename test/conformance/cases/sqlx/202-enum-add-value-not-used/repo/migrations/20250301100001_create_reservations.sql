CREATE TYPE booking_state AS ENUM ('held', 'confirmed');

CREATE TABLE reservations (
  id bigint PRIMARY KEY,
  state booking_state NOT NULL DEFAULT 'held',
  created_at timestamptz NOT NULL DEFAULT now()
);
