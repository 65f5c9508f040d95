-- Verify billing:drop_invoices_external_ref on pg

SELECT 1;
