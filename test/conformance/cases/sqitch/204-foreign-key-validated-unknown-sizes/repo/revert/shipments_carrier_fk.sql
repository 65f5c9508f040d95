-- Revert app:shipments_carrier_fk from pg

BEGIN;

ALTER TABLE shipments DROP CONSTRAINT shipments_carrier_id_fkey;

COMMIT;
