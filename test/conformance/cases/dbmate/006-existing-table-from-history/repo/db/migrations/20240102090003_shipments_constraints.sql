-- migrate:up
CREATE INDEX shipments_carrier_idx ON shipments (carrier);
ALTER TABLE shipments ADD CONSTRAINT shipments_carrier_check CHECK (carrier <> '');

-- migrate:down
ALTER TABLE shipments DROP CONSTRAINT shipments_carrier_check;
DROP INDEX shipments_carrier_idx;
