ALTER TABLE accounts ALTER COLUMN discount_pct TYPE integer;
