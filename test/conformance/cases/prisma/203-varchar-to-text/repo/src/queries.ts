export const q0 = 'SELECT id, email, display_name FROM users WHERE email = $1';
export const q1 = 'SELECT user_id, expires_at FROM sessions WHERE token_hash = $1';
export const q2 = 'INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)';
