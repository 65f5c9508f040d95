SET LOCAL lock_timeout = '5s';
ALTER TABLE order_items ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
