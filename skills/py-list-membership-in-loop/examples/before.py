def inactive_users(users, sessions):
    active_ids = [s.user_id for s in sessions]
    return [u for u in users if u.id not in active_ids]  # hotpath-expect


def dedupe(rows):
    seen = []
    out = []
    for row in rows:
        key = (row["name"], row["email"])
        if key in seen:  # hotpath-expect
            continue
        seen.append(key)
        out.append(row)
    return out


def allowed_rows(rows, allowed_ids: list[int]):
    return [r for r in rows if r["id"] in allowed_ids]  # hotpath-expect
