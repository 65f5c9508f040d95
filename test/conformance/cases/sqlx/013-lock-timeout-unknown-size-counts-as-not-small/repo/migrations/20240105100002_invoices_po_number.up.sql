ALTER TABLE invoices ADD COLUMN po_number text;
