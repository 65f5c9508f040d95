-- Verify billing:invoices_voided_at on pg

SELECT 1;
