Q0 = """SELECT name, enabled FROM feature_flags"""
