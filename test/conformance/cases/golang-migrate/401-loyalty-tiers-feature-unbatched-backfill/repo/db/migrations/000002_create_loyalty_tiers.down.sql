SET LOCAL lock_timeout = '5s';
ALTER TABLE orders DROP COLUMN IF EXISTS loyalty_tier_id;
DROP TABLE IF EXISTS loyalty_tiers;
