-- Deploy app:shipments_carrier_fk to pg

BEGIN;

SET LOCAL lock_timeout = '3s';
ALTER TABLE shipments ADD CONSTRAINT shipments_carrier_id_fkey FOREIGN KEY (carrier_id) REFERENCES carriers (id);

COMMIT;
