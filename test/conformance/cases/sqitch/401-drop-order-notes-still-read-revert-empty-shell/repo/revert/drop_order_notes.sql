-- Revert shop:drop_order_notes from pg

BEGIN;
CREATE TABLE order_notes (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id),
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_notes_order_id_idx ON order_notes (order_id);
COMMIT;
