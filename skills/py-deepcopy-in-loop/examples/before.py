import copy
from copy import deepcopy

TEMPLATE = {"from": "noreply@example.com", "headers": {"X-Kind": "digest"}, "to": None}


def build_messages(users):
    messages = []
    for user in users:
        msg = copy.deepcopy(TEMPLATE)  # hotpath-expect
        msg["to"] = user.email
        messages.append(msg)
    return messages


def variants(base, sizes):
    return [dict(deepcopy(base), size=s) for s in sizes]  # hotpath-expect
