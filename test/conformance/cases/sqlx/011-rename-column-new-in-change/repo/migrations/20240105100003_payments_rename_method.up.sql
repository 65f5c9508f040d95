SET lock_timeout = '3s';
ALTER TABLE payments RENAME COLUMN method TO payment_method;
