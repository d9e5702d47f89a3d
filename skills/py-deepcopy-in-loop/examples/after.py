import copy

TEMPLATE = {"from": "noreply@example.com", "headers": {"X-Kind": "digest"}, "to": None}


def build_messages(users):
    return [{**TEMPLATE, "to": user.email} for user in users]


def snapshot(state):
    return copy.deepcopy(state)
