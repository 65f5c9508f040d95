-- Revert billing:invoices_voided_at from pg

DROP INDEX CONCURRENTLY IF EXISTS invoices_voided_at_idx;

BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE invoices DROP COLUMN voided_at;
COMMIT;
