SET lock_timeout = '3s';
ALTER TABLE payments RENAME TO invoice_payments;
