SET LOCAL lock_timeout = '5s';
ALTER TABLE order_items DROP COLUMN public_id;
