ALTER TABLE price_rules ALTER COLUMN label TYPE varchar(80);
