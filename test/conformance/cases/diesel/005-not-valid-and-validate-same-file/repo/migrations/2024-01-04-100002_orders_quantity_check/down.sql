ALTER TABLE orders DROP CONSTRAINT orders_quantity_positive;
