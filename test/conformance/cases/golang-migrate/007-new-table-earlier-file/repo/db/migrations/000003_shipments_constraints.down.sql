ALTER TABLE shipments ALTER COLUMN shipped_at DROP NOT NULL;
ALTER TABLE shipments DROP CONSTRAINT shipments_carrier_check;
DROP INDEX shipments_carrier_idx;
