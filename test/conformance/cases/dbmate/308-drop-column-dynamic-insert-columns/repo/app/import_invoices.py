COLUMNS = [
    "id",
    "account_id",
    "status",
    "amount_cents",
    "external_ref",
]


def import_invoices(cur, rows):
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO invoices ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    cur.executemany(sql, rows)
