SET lock_timeout = '3s';
ALTER TABLE payments ADD COLUMN method text;
