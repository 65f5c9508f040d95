SET lock_timeout = '3s';

ALTER TABLE invoices RENAME COLUMN memo TO customer_note;
