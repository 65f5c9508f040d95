-- Revert app:create_billing from pg

BEGIN;

DROP TABLE payments;
DROP TABLE invoices;

COMMIT;
