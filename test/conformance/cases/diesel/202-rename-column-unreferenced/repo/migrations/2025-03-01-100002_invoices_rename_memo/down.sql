ALTER TABLE invoices RENAME COLUMN customer_note TO memo;
