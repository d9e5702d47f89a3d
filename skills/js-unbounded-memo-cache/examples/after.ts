const MAX_TEMPLATES = 500;
const templates = new Map<string, (data: object) => string>();

function compile(source: string): (data: object) => string {
  return (data) => source.replace(/\{\{(\w+)\}\}/g, (_, k) => String((data as Record<string, unknown>)[k] ?? ''));
}

export function render(source: string, data: object): string {
  let fn = templates.get(source);
  if (!fn) {
    fn = compile(source);
    if (templates.size >= MAX_TEMPLATES) templates.delete(templates.keys().next().value!);
    templates.set(source, fn);
  }
  return fn(data);
}

export function countWords(words: string[]): Map<string, number> {
  // a local map lives only as long as the call
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

type Locale = 'en' | 'de' | 'fr';
const formatters = new Map<Locale, Intl.NumberFormat>();

export function formatter(locale: Locale): Intl.NumberFormat {
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    formatters.set(locale, f);
  }
  return f;
}
