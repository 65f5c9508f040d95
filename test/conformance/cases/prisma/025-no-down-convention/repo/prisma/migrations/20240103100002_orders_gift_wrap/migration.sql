SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN gift_wrap boolean;
