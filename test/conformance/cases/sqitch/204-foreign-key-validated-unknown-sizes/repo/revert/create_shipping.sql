-- Revert app:create_shipping from pg

BEGIN;

DROP TABLE shipments;
DROP TABLE carriers;

COMMIT;
