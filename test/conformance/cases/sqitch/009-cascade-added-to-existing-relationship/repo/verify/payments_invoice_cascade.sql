-- Verify app:payments_invoice_cascade on pg

BEGIN;

ROLLBACK;
