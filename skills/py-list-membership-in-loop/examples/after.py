def inactive_users(users, sessions):
    active_ids = {s.user_id for s in sessions}
    return [u for u in users if u.id not in active_ids]


def dedupe(rows):
    seen = set()
    out = []
    for row in rows:
        key = (row["name"], row["email"])
        if key in seen:
            continue
        seen.add(key)
        out.append(row)
    return out


def vowels(words):
    count = 0
    for w in words:
        for ch in w:
            if ch in "aeiou":
                count += 1
    return count


def allowed_rows(rows, allowed_ids: set[int]):
    return [r for r in rows if r["id"] in allowed_ids]


def count_known(words, vocabulary):
    # vocabulary may be any container; nothing says it is a list
    return sum(1 for w in words if w in vocabulary)


def tagged(items, tags=None):
    tags = tags or {}
    return [i for i in items if i.kind in tags]
