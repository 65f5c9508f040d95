-- Verify app:shipments_carrier_fk on pg

BEGIN;

ROLLBACK;
