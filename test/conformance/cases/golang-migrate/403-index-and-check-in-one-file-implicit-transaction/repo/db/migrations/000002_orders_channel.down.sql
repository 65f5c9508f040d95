ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_channel_check;
