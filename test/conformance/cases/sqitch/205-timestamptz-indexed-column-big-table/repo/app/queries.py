Q0 = """SELECT id, room_id, during, status FROM bookings WHERE room_id = $1 AND during && $2"""
Q1 = """INSERT INTO bookings (id, room_id, guest_email, guest_name, during) VALUES ($1, $2, $3, $4, $5)"""
Q2 = """SELECT id, name, capacity FROM rooms ORDER BY name"""
Q3 = """SELECT id FROM bookings WHERE created_at >= $1"""
