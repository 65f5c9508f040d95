-- Deploy billing:invoices_voided_at to pg

BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE invoices ADD COLUMN voided_at timestamptz;
COMMIT;

CREATE INDEX CONCURRENTLY invoices_voided_at_idx ON invoices (voided_at);
