SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0) NOT VALID;
