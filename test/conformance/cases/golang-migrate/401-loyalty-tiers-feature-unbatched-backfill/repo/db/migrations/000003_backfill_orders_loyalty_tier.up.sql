-- Every historical order gets the default tier.
UPDATE orders SET loyalty_tier_id = 1 WHERE loyalty_tier_id IS NULL;
