import re

ASSIGN = re.compile(r"^\s*(\w+)\s*=\s*(.*)$")


def parse_env(lines):
    env = {}
    for line in lines:
        m = ASSIGN.match(line)
        if m:
            env[m.group(1)] = m.group(2)
    return env


def tokens(texts, sep):
    splitter = re.compile(re.escape(sep))
    return [splitter.split(t) for t in texts]


def word_patterns(words):
    return [re.compile(r"\b" + re.escape(w) + r"\b") for w in words]
