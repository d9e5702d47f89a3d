const templates = new Map<string, (data: object) => string>();

function compile(source: string): (data: object) => string {
  return (data) => source.replace(/\{\{(\w+)\}\}/g, (_, k) => String((data as Record<string, unknown>)[k] ?? ''));
}

export function render(source: string, data: object): string {
  let fn = templates.get(source);
  if (!fn) {
    fn = compile(source);
    templates.set(source, fn); // hotpath-expect
  }
  return fn(data);
}

const slugs: Map<string, string> = new Map();

export function slug(title: string): string {
  let s = slugs.get(title);
  if (s === undefined) {
    s = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    slugs.set(title, s); // hotpath-expect
  }
  return s;
}
