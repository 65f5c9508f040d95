-- Revert billing:drop_invoices_external_ref from pg

BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE invoices ADD COLUMN external_ref text;
COMMIT;
