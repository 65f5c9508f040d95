CREATE INDEX "bookings_guest_email_idx" ON bookings ("guest_email");
