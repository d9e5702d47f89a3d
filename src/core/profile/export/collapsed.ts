import { frameLabel, type Profile } from '../model';

export interface CollapsedOptions {
  /** Append " (file:line)" to frame names so identical names in different files stay apart. */
  withLocation?: boolean;
}

/**
 * Collapsed ("folded") stacks: one line per distinct stack, `root;…;leaf weight`, the format
 * of Brendan Gregg's stackcollapse scripts. The format has no escaping, so `;` and line
 * breaks inside names become spaces-safe substitutes.
 */
export function* collapsedLines(profile: Profile, options: CollapsedOptions = {}): Generator<string> {
  const labels = profile.frames.map((f) => sanitize(options.withLocation ? frameLabel(f) : f.name));
  const path: string[] = [];
  for (let node = 1; node < profile.nodeCount; node++) {
    const self = profile.nodeSelf[node];
    if (self === 0) continue;
    path.length = 0;
    for (let n = node; n > 0; n = profile.nodeParent[n]) path.push(labels[profile.nodeFrame[n]]);
    path.reverse();
    yield `${path.join(';')} ${formatWeight(self)}`;
  }
}

export function toCollapsed(profile: Profile, options?: CollapsedOptions): string {
  let out = '';
  for (const line of collapsedLines(profile, options)) out += `${line}\n`;
  return out;
}

function sanitize(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/;/g, ':').replace(/[\r\n\u0000-\u001f]/g, ' ');
}

function formatWeight(w: number): string {
  return Number.isInteger(w) ? String(w) : String(Number(w.toPrecision(15)));
}
