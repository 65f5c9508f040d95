SET lock_timeout = '3s';
ALTER TABLE coupons ADD CONSTRAINT coupons_code_key UNIQUE (code);
