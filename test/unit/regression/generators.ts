/**
 * Seeded synthetic series for the regression tests and bench/regression.ts: deterministic, so
 * a failing case can be replayed from its seed.
 */

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns uniforms in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Noise = 'gaussian' | 'heavy-tailed' | 'bimodal';

/** A noise source with mean 0 and standard deviation 1. */
export function noiseSource(kind: Noise, random: () => number): () => number {
  const gaussian = () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  if (kind === 'gaussian') return gaussian;
  if (kind === 'heavy-tailed') {
    // Student's t with 3 degrees of freedom (variance 3), scaled to unit variance.
    return () => {
      const chi2 = gaussian() ** 2 + gaussian() ** 2 + gaussian() ** 2;
      return gaussian() / Math.sqrt(chi2 / 3) / Math.sqrt(3);
    };
  }
  // Two modes at ±0.9 with spread 0.44 (variance 0.81 + 0.19 = 1): a benchmark flipping between two states.
  return () => (random() < 0.5 ? -0.9 : 0.9) + 0.4359 * gaussian();
}

export interface StepSeries {
  values: number[];
  /** Index of the first point after the step (-1: no step). */
  changeAt: number;
}

/** `length` points of `level` + noise, with a step of `step` SDs starting at `changeAt` (none when step is 0). */
export function stepSeries(opts: { seed: number; length: number; changeAt: number; step: number; noise?: Noise; level?: number }): StepSeries {
  const noise = noiseSource(opts.noise ?? 'gaussian', seededRandom(opts.seed));
  const level = opts.level ?? 100;
  const values: number[] = [];
  for (let i = 0; i < opts.length; i++) values.push(level + noise() + (opts.step !== 0 && i >= opts.changeAt ? opts.step : 0));
  return { values, changeAt: opts.step !== 0 ? opts.changeAt : -1 };
}
