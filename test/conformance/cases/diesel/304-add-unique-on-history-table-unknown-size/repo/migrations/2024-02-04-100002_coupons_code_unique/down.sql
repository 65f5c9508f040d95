SET lock_timeout = '3s';
ALTER TABLE coupons DROP CONSTRAINT coupons_code_key;
