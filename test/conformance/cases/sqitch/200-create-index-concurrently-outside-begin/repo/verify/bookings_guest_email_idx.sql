-- Verify app:bookings_guest_email_idx on pg

BEGIN;

ROLLBACK;
