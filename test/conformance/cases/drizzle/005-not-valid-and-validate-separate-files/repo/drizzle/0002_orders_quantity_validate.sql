ALTER TABLE orders VALIDATE CONSTRAINT orders_quantity_positive;
