SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN gift_wrap boolean;
RESET lock_timeout;
