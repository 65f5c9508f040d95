Q0 = """SELECT tracking_no, shipped_at FROM shipments WHERE carrier_id = $1"""
