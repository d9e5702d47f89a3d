import re


def parse_env(lines):
    env = {}
    for line in lines:
        m = re.compile(r"^\s*(\w+)\s*=\s*(.*)$").match(line)  # hotpath-expect
        if m:
            env[m.group(1)] = m.group(2)
    return env


def tokens(texts, sep):
    return [re.compile(re.escape(sep)).split(t) for t in texts]  # hotpath-expect
