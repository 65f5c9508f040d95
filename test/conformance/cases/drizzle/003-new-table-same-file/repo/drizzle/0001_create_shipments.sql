CREATE TABLE shipments (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id),
  carrier text NOT NULL,
  shipped_at timestamptz
);
--> statement-breakpoint
CREATE INDEX shipments_order_id_idx ON shipments (order_id);
--> statement-breakpoint
CREATE INDEX shipments_carrier_idx ON shipments (carrier);
--> statement-breakpoint
ALTER TABLE shipments ADD CONSTRAINT shipments_carrier_check CHECK (carrier <> '');
--> statement-breakpoint
ALTER TABLE shipments ALTER COLUMN shipped_at SET NOT NULL;
