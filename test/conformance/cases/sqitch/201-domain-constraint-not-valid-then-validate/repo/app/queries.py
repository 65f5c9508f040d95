Q0 = """SELECT id, display_name FROM users WHERE email = $1"""
Q1 = """INSERT INTO invitations (id, invitee) VALUES ($1, $2)"""
