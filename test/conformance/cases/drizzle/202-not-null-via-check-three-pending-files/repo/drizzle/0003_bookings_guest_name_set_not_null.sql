ALTER TABLE "bookings" ALTER COLUMN "guest_name" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_guest_name_not_null";
