ALTER TABLE payments RENAME COLUMN payment_method TO method;
