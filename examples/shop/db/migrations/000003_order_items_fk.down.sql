ALTER TABLE order_items DROP CONSTRAINT fk_orders;
