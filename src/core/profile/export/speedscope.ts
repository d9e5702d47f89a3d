import type { Frame, Profile, ProfileSet, WeightUnit } from '../model';

/** speedscope's file format (https://www.speedscope.app/file-format-schema.json), the parts we write. */
export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  shared: { frames: { name: string; file?: string; line?: number; col?: number }[] };
  profiles: {
    type: 'sampled';
    name: string;
    unit: SpeedscopeUnit;
    startValue: number;
    endValue: number;
    samples: number[][];
    weights: number[];
  }[];
  name?: string;
  activeProfileIndex?: number;
  exporter?: string;
}

export type SpeedscopeUnit = 'none' | 'nanoseconds' | 'microseconds' | 'milliseconds' | 'seconds' | 'bytes';

export function speedscopeUnit(unit: WeightUnit): SpeedscopeUnit {
  switch (unit) {
    case 'nanoseconds':
    case 'microseconds':
    case 'milliseconds':
    case 'seconds':
    case 'bytes':
      return unit;
    default:
      return 'none';
  }
}

/**
 * Writes a ProfileSet as speedscope JSON, in chunks so a large profile never has to be one
 * string. Each trie node with self weight becomes one weighted sample (the file stays small
 * and totals are exact); frames are shared across profiles.
 */
export function* speedscopeChunks(set: ProfileSet, exporter = 'hotpath'): Generator<string> {
  const frameKeys = new Map<string, number>();
  const sharedFrames: Frame[] = [];
  const remaps = set.profiles.map((p) =>
    Int32Array.from(p.frames, (f) => {
      const key = `${f.name}\u0000${f.file ?? ''}\u0000${f.line ?? 0}\u0000${f.column ?? 0}`;
      let id = frameKeys.get(key);
      if (id === undefined) {
        id = sharedFrames.length;
        frameKeys.set(key, id);
        sharedFrames.push(f);
      }
      return id;
    }),
  );
  yield `{"$schema":"https://www.speedscope.app/file-format-schema.json","exporter":${JSON.stringify(exporter)}`;
  if (set.source) yield `,"name":${JSON.stringify(baseName(set.source))}`;
  yield `,"activeProfileIndex":${set.activeIndex},"shared":{"frames":[`;
  for (let i = 0; i < sharedFrames.length; i++) {
    const f = sharedFrames[i];
    const out: SpeedscopeFile['shared']['frames'][number] = { name: f.name };
    if (f.file) out.file = f.file;
    if (f.line) out.line = f.line;
    if (f.column) out.col = f.column;
    yield (i ? ',' : '') + JSON.stringify(out);
  }
  yield ']},"profiles":[';
  for (let p = 0; p < set.profiles.length; p++) {
    const profile = set.profiles[p];
    yield* profileChunks(profile, remaps[p], p > 0);
  }
  yield ']}\n';
}

function* profileChunks(profile: Profile, remap: Int32Array, comma: boolean): Generator<string> {
  const header = {
    type: 'sampled',
    name: profile.name,
    unit: speedscopeUnit(profile.unit),
    startValue: 0,
    endValue: profile.totalWeight,
  };
  yield `${comma ? ',' : ''}${JSON.stringify(header).slice(0, -1)},"samples":[`;
  const weights: number[] = [];
  const stack: number[] = [];
  let first = true;
  let buffer = '';
  for (let node = 1; node < profile.nodeCount; node++) {
    const self = profile.nodeSelf[node];
    if (self === 0) continue;
    stack.length = 0;
    for (let n = node; n > 0; n = profile.nodeParent[n]) stack.push(remap[profile.nodeFrame[n]]);
    stack.reverse();
    buffer += (first ? '[' : ',[') + stack.join(',') + ']';
    first = false;
    weights.push(self);
    if (buffer.length > 1 << 20) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer;
  yield '],"weights":[';
  for (let i = 0; i < weights.length; i += 65536) {
    yield (i ? ',' : '') + weights.slice(i, i + 65536).join(',');
  }
  yield ']}';
}

export function toSpeedscope(set: ProfileSet, exporter?: string): string {
  return Array.from(speedscopeChunks(set, exporter)).join('');
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}
