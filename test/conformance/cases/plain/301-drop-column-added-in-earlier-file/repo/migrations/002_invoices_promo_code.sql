SET lock_timeout = '3s';
ALTER TABLE invoices ADD COLUMN promo_code text;
