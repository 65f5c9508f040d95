export const q0 = 'SELECT id, room_id, during, status FROM bookings WHERE room_id = $1 AND during && $2';
export const q1 = 'INSERT INTO bookings (id, room_id, guest_email, guest_name, during) VALUES ($1, $2, $3, $4, $5)';
export const q2 = 'SELECT id, name, capacity FROM rooms ORDER BY name';
