-- migrate:up
ALTER TYPE invoice_kind ADD VALUE 'proforma';
ALTER TABLE invoice_templates ALTER COLUMN kind SET DEFAULT 'proforma';

-- migrate:down
ALTER TABLE invoice_templates ALTER COLUMN kind SET DEFAULT 'standard';
