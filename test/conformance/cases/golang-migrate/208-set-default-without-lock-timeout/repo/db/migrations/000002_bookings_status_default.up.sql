ALTER TABLE bookings ALTER COLUMN status SET DEFAULT 'pending';
