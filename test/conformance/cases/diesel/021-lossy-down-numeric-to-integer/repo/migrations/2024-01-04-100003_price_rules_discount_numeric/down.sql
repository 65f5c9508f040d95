ALTER TABLE price_rules ALTER COLUMN discount TYPE integer;
