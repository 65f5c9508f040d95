ALTER TABLE price_rules ALTER COLUMN discount TYPE numeric(12,2);
