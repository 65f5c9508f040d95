SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE "bookings" ALTER COLUMN "guest_name" SET NOT NULL;
