SET lock_timeout = '5s';--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_nonnegative" CHECK ("orders"."total_cents" >= 0) NOT VALID;
