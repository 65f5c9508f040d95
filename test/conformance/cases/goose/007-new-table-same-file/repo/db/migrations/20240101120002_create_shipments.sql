-- +goose Up
CREATE TABLE shipments (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id),
  carrier text NOT NULL,
  shipped_at timestamptz
);
CREATE INDEX shipments_order_id_idx ON shipments (order_id);
CREATE INDEX shipments_carrier_idx ON shipments (carrier);
ALTER TABLE shipments ADD CONSTRAINT shipments_carrier_check CHECK (carrier <> '');
ALTER TABLE shipments ALTER COLUMN shipped_at SET NOT NULL;

-- +goose Down
DROP TABLE shipments;
