import { ProfileBuilder } from '../../../src/core/profile/builder';
import type { Frame, Profile, WeightUnit } from '../../../src/core/profile/model';

/**
 * Frame shorthand for hand-built test profiles: "name" or "name@file:line" (line optional,
 * "name@file:line:column" for a column).
 */
export function frameOf(spec: string): Frame {
  const at = spec.indexOf('@');
  if (at < 0) return { name: spec };
  const [, file, line, column] = /^(.*?)(?::(\d+))?(?::(\d+))?$/.exec(spec.slice(at + 1))!;
  const frame: Frame = { name: spec.slice(0, at), file };
  if (line) frame.line = Number(line);
  if (column) frame.column = Number(column);
  return frame;
}

/** A profile from `[stack root-first joined by ";", weight]` pairs. */
export function profileOf(samples: [string, number][], options: { unit?: WeightUnit; name?: string; timeline?: boolean } = {}): Profile {
  const builder = new ProfileBuilder(options.name ?? 'test', options.unit ?? 'samples', { timeline: options.timeline });
  samples.forEach(([stack, weight], i) => {
    const frames = stack.split(';').map((s) => builder.frame(frameOf(s)));
    builder.appendSample(frames, weight, undefined, options.timeline ? i * 10 : undefined);
  });
  return builder.build();
}

/** Folded stacks of a profile (`a;b weight`, sorted), to compare whole trees in one assertion. */
export function folded(profile: Profile): string[] {
  const out: string[] = [];
  for (let node = 1; node < profile.nodeCount; node++) {
    if (profile.nodeSelf[node] === 0) continue;
    const names: string[] = [];
    for (let n = node; n > 0; n = profile.nodeParent[n]) names.push(profile.frames[profile.nodeFrame[n]].name);
    out.push(`${names.reverse().join(';')} ${profile.nodeSelf[node]}`);
  }
  return out.sort();
}
