import * as assert from 'node:assert/strict';
import { linkTarget, parseInline, parseMarkdown, type Inline } from '../../../webview/chat/markdown';

/** The visible text of inline nodes, for compact assertions. */
const text = (nodes: Inline[]): string => nodes.map((n) => (n.t === 'text' || n.t === 'code' ? n.text : text(n.children))).join('');
const links = (nodes: Inline[]): Inline[] => nodes.flatMap((n) => (n.t === 'link' ? [n] : n.t === 'strong' || n.t === 'em' ? links(n.children) : []));

describe('chat markdown (safe subset)', () => {
  it('keeps raw HTML as text: no node can carry markup', () => {
    const blocks = parseMarkdown('<img src=x onerror="alert(1)"> and <script>alert(2)</script>');
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].t, 'paragraph');
    const inl = (blocks[0] as { inlines: Inline[] }).inlines;
    assert.deepEqual(inl.map((n) => n.t), ['text']);
    assert.equal(text(inl), '<img src=x onerror="alert(1)"> and <script>alert(2)</script>');
  });

  it('drops links with unsafe schemes but keeps their label', () => {
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<b>x</b>', 'command:workbench.action.quit', 'file:///etc/passwd', 'vscode://x']) {
      const inl = parseInline(`[click](${bad})`);
      assert.deepEqual(links(inl), [], bad);
      assert.equal(text(inl), 'click', bad);
    }
  });

  it('turns workspace locations and http(s) URLs into link targets (lines 1-based)', () => {
    assert.deepEqual(linkTarget('programs/busy.js#L15'), { kind: 'file', file: 'programs/busy.js', line: 15 });
    assert.deepEqual(linkTarget('src/a b.ts:7'), { kind: 'file', file: 'src/a b.ts', line: 7 });
    assert.deepEqual(linkTarget('src/app%20x.ts#L3-L9'), { kind: 'file', file: 'src/app x.ts', line: 3 });
    assert.deepEqual(linkTarget('README.md'), { kind: 'file', file: 'README.md' });
    assert.deepEqual(linkTarget('https://example.com/x?y=1'), { kind: 'external', url: 'https://example.com/x?y=1' });
    assert.equal(linkTarget('//evil.example/x'), undefined);
  });

  it('links bare path:line citations in text, not times or version numbers', () => {
    const inl = parseInline('Hot at programs/busy.js:19 (see lib/x.ts:3) at 12:30, v1.2:4');
    assert.deepEqual(links(inl).map((l) => (l as { target: unknown }).target), [
      { kind: 'file', file: 'programs/busy.js', line: 19 },
      { kind: 'file', file: 'lib/x.ts', line: 3 },
    ]);
    assert.equal(text(inl), 'Hot at programs/busy.js:19 (see lib/x.ts:3) at 12:30, v1.2:4');
  });

  it('parses what renderWhy writes: headings, bold, code spans with backticks, lists, diff fences', () => {
    const md = [
      '## Why is `buildReport` hot?',
      '`buildReport` at [programs/busy.js:15](programs/busy.js#L15) takes **39.8% self**.',
      '',
      '**Costliest lines**',
      '- [programs/busy.js:20](programs/busy.js#L20): 3.47% self — `` out += `${r.id}` ``',
      '- second',
      '',
      '```diff',
      '-  const re = new RegExp(x);',
      '+  const re = RE;',
      '```',
    ].join('\n');
    const blocks = parseMarkdown(md);
    assert.deepEqual(blocks.map((b) => b.t), ['heading', 'paragraph', 'paragraph', 'list', 'code']);
    const para = (blocks[1] as { inlines: Inline[] }).inlines;
    assert.deepEqual(para.map((n) => n.t), ['code', 'text', 'link', 'text', 'strong', 'text']);
    const list = blocks[3] as { items: Inline[][] };
    assert.equal(list.items.length, 2);
    assert.equal(list.items[0].find((n) => n.t === 'code')?.t === 'code' && (list.items[0].find((n) => n.t === 'code') as { text: string }).text, 'out += `${r.id}`');
    assert.deepEqual(blocks[4], { t: 'code', lang: 'diff', text: '-  const re = new RegExp(x);\n+  const re = RE;' });
  });

  it('renders a still-streaming answer: an unclosed fence runs to the end', () => {
    const blocks = parseMarkdown('Before\n```js\nconst a = 1;\nconst b');
    assert.deepEqual(blocks[1], { t: 'code', lang: 'js', text: 'const a = 1;\nconst b' });
  });

  it('leaves unmatched emphasis markers and brackets as text', () => {
    assert.equal(text(parseInline('2 * 3 = 6, a_b_c, [x] (y) **open')), '2 * 3 = 6, a_b_c, [x] (y) **open');
    assert.deepEqual(parseInline('*em* and __strong__').map((n) => n.t), ['em', 'text', 'strong']);
  });
});
