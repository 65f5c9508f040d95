-- Deploy billing:drop_invoices_external_ref to pg

BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE invoices DROP COLUMN external_ref;
COMMIT;
