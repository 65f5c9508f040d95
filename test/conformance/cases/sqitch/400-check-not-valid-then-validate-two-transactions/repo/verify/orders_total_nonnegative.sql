-- Verify shop:orders_total_nonnegative on pg

SELECT 1 FROM pg_constraint WHERE conname = 'orders_total_nonnegative' AND convalidated;
