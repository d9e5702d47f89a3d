def to_csv(rows):
    out = ""
    for row in rows:
        out += f"{row['id']},{row['name']}\n"  # hotpath-expect
    return out


class Renderer:
    def __init__(self):
        self.html = ""

    def render(self, items):
        for item in items:
            self.html += "<li>" + item + "</li>"  # hotpath-expect
        return self.html
