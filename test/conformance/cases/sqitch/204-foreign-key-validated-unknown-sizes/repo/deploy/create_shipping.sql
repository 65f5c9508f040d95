-- Deploy app:create_shipping to pg

BEGIN;

CREATE TABLE carriers (
  id bigint PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE shipments (
  id bigint PRIMARY KEY,
  carrier_id bigint NOT NULL,
  tracking_no text NOT NULL,
  shipped_at timestamptz
);

CREATE INDEX shipments_carrier_id_idx ON shipments (carrier_id);

COMMIT;
