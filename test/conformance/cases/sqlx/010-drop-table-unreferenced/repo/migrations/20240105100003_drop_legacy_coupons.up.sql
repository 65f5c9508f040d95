SET lock_timeout = '3s';
DROP TABLE legacy_coupons;
