def to_csv(rows):
    return "".join(f"{row['id']},{row['name']}\n" for row in rows)


class Renderer:
    def __init__(self):
        self.parts = []

    def render(self, items):
        for item in items:
            self.parts.append("<li>" + item + "</li>")
        return "".join(self.parts)


def total(values):
    acc = 0
    for v in values:
        acc += v
    return acc
