ALTER TABLE "bookings" VALIDATE CONSTRAINT "bookings_guest_name_not_null";
