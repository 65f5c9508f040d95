ALTER TABLE invoices ADD COLUMN memo varchar(140);
