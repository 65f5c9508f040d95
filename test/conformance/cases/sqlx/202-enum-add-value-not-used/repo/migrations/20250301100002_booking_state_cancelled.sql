ALTER TYPE booking_state ADD VALUE IF NOT EXISTS 'cancelled';
