ALTER TABLE invoices DROP COLUMN disputed_at;
