-- migrate:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_channel_not_null;

-- migrate:down
-- VALIDATE has no inverse
