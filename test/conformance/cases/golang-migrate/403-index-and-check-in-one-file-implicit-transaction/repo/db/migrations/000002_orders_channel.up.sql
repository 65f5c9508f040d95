SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_channel_check CHECK (channel IN ('web', 'app', 'pos')) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_channel_check;
