-- Verify shop:drop_order_notes on pg

SELECT 1 WHERE to_regclass('order_notes') IS NULL;
