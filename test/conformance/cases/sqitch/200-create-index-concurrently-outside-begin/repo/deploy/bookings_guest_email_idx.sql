-- Deploy app:bookings_guest_email_idx to pg

CREATE INDEX CONCURRENTLY bookings_guest_email_idx ON bookings (guest_email);
