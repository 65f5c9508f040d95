-- Deploy app:payments_invoice_cascade to pg

BEGIN;
SET lock_timeout = '3s';
ALTER TABLE payments DROP CONSTRAINT payments_invoice_id_fkey;
ALTER TABLE payments ADD CONSTRAINT payments_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE NOT VALID;
COMMIT;

ALTER TABLE payments VALIDATE CONSTRAINT payments_invoice_id_fkey;
