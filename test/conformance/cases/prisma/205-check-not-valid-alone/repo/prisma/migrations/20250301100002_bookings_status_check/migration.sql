SET lock_timeout = '3s';

ALTER TABLE bookings ADD CONSTRAINT bookings_status_known CHECK (status IN ('held', 'confirmed', 'cancelled')) NOT VALID;
