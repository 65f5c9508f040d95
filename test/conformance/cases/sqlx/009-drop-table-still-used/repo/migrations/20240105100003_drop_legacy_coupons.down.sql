CREATE TABLE legacy_coupons (code text PRIMARY KEY, percent integer NOT NULL);
