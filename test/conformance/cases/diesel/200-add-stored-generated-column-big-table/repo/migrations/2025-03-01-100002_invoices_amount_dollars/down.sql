ALTER TABLE invoices DROP COLUMN amount_dollars;
