ALTER TABLE invoices ADD COLUMN disputed_at timestamptz;
