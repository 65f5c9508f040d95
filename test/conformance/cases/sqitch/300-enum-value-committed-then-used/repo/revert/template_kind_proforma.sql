-- Revert billing:template_kind_proforma from pg

-- enum values cannot be removed; only the data change is reverted
BEGIN;
UPDATE invoice_templates SET kind = 'standard' WHERE id = 3;
COMMIT;
