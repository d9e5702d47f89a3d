import type { SkillLibrary } from './library';
import type { ProfileSignal } from './schema';

/** A frame as the signals see it: a name and, when known, its file or module. */
export interface SignalFrame {
  name: string;
  file?: string;
  /** Cost of the frame (self or total, in the profile's unit); summed per skill. */
  weight?: number;
}

export interface SignalMatch {
  skill: string;
  /** The signal that matched, with what it means. */
  signal: ProfileSignal;
  /** Frame names it matched, in input order, without repeats. */
  frames: string[];
  /** Sum of the matched frames' weights (0 when none were given). */
  weight: number;
}

const compiledSignals = new WeakMap<ProfileSignal, { frame: RegExp; file?: RegExp }>();

function compiled(signal: ProfileSignal): { frame: RegExp; file?: RegExp } {
  let c = compiledSignals.get(signal);
  if (!c) {
    c = { frame: new RegExp(signal.frame), file: signal.file ? new RegExp(signal.file) : undefined };
    compiledSignals.set(signal, c);
  }
  return c;
}

/**
 * Which skills' profile signals match these frames (names or `{name, file, weight}`), one
 * entry per matching signal, heaviest first.
 */
export function matchProfileSignals(library: SkillLibrary, frames: readonly (string | SignalFrame)[]): SignalMatch[] {
  const out: SignalMatch[] = [];
  for (const skill of library.listSkills()) {
    for (const signal of skill.signals) {
      const re = compiled(signal);
      const names = new Set<string>();
      let weight = 0;
      for (const f of frames) {
        const frame = typeof f === 'string' ? { name: f } : f;
        if (!re.frame.test(frame.name)) continue;
        if (re.file && !(frame.file && re.file.test(frame.file))) continue;
        names.add(frame.name);
        weight += frame.weight ?? 0;
      }
      if (names.size) out.push({ skill: skill.name, signal, frames: [...names], weight });
    }
  }
  return out.sort((a, b) => b.weight - a.weight || a.skill.localeCompare(b.skill));
}
