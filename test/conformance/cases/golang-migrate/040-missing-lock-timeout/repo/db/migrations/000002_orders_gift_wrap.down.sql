ALTER TABLE customers DROP COLUMN locale;
ALTER TABLE orders DROP COLUMN gift_wrap;
