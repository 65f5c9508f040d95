SET lock_timeout = '3s';
ALTER TABLE orders DROP COLUMN tmp_flag;
