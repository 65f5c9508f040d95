-- Revert billing:create_billing from pg

BEGIN;

DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE accounts;

COMMIT;
