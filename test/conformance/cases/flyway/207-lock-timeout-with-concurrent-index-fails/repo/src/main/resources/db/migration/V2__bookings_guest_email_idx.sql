SET lock_timeout = '3s';

CREATE INDEX CONCURRENTLY bookings_guest_email_idx ON bookings (guest_email);
