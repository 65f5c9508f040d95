ALTER TYPE invoice_kind ADD VALUE IF NOT EXISTS 'proforma';
UPDATE invoice_templates SET kind = 'proforma' WHERE id = 3;
