-- Deploy billing:template_kind_proforma to pg

BEGIN;
ALTER TYPE invoice_kind ADD VALUE IF NOT EXISTS 'proforma';
COMMIT;

BEGIN;
UPDATE invoice_templates SET kind = 'proforma' WHERE id = 3;
COMMIT;
