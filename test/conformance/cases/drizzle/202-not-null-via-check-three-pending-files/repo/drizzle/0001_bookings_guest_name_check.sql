SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_guest_name_not_null" CHECK ("guest_name" IS NOT NULL) NOT VALID;
