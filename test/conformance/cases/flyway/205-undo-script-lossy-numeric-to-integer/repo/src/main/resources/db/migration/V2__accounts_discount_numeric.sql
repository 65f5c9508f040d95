ALTER TABLE accounts ALTER COLUMN discount_pct TYPE numeric(5,2);
