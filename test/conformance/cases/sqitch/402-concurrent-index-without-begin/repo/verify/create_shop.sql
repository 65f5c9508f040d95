-- Verify shop:create_shop on pg

SELECT id FROM orders WHERE false;
