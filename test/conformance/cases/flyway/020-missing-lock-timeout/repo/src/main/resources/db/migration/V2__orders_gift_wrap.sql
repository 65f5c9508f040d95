ALTER TABLE orders ADD COLUMN gift_wrap boolean;
ALTER TABLE customers ADD COLUMN locale text;
