ALTER TABLE invoice_payments RENAME TO payments;
