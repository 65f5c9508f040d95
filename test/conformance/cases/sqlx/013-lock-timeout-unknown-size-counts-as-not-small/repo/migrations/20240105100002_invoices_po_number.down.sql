ALTER TABLE invoices DROP COLUMN po_number;
