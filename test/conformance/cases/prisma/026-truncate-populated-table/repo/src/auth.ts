export const q0 = 'SELECT user_id FROM sessions WHERE token = $1 AND expires_at > now()';
