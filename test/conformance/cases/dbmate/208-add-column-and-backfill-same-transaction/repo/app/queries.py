Q0 = """SELECT id, email, display_name FROM users WHERE email = $1"""
Q1 = """SELECT user_id, expires_at FROM sessions WHERE token_hash = $1"""
Q2 = """INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)"""
