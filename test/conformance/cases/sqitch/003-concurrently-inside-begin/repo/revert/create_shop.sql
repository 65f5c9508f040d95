-- Revert app:create_shop from pg

BEGIN;

DROP TABLE orders;
DROP TABLE customers;

COMMIT;
