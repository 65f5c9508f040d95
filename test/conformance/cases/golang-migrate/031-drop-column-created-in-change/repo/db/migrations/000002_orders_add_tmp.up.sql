SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN tmp_flag boolean;
