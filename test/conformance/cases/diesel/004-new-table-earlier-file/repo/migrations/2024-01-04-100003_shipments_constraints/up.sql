CREATE INDEX shipments_carrier_idx ON shipments (carrier);
ALTER TABLE shipments ADD CONSTRAINT shipments_carrier_check CHECK (carrier <> '');
ALTER TABLE shipments ALTER COLUMN shipped_at SET NOT NULL;
