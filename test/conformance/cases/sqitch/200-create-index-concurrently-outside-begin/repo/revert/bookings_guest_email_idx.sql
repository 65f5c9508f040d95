-- Revert app:bookings_guest_email_idx from pg

DROP INDEX CONCURRENTLY IF EXISTS bookings_guest_email_idx;
