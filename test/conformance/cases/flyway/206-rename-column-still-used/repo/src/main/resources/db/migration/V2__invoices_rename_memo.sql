SET lock_timeout = '3s';

ALTER TABLE invoices RENAME COLUMN memo TO note;
