import { mannWhitneyPValue, median } from '../regression/stats';
import { seededRandom } from '../util/random';

export type Side = 'baseline' | 'candidate';
export type Verdict = 'faster' | 'slower' | 'no significant change';

export interface AbOptions {
  /** Runs of each side before a verdict may stop the experiment early. */
  minRuns?: number;
  /** Cap on runs of each side. */
  maxRuns?: number;
  /** Unmeasured runs of each side first (JIT, disk cache). */
  warmups?: number;
  /** Wall-clock cap for the whole experiment, in seconds. */
  maxSeconds?: number;
  /** Seed for the bootstrap, so a report can be reproduced from its samples. */
  seed?: number;
  /** Called after each measured pair. */
  onProgress?: (progress: { runs: number; baseline: number; candidate: number }) => void;
  signal?: AbortSignal;
}

export interface AbResult {
  /** Measured values in run order (milliseconds for wall time). */
  baseline: number[];
  candidate: number[];
  baselineMedian: number;
  candidateMedian: number;
  /** candidate median / baseline median − 1 (negative = faster). */
  relativeChange: number;
  /** 95% bootstrap confidence interval of `relativeChange`. */
  ci: [number, number];
  /** Two-sided Mann–Whitney p-value. */
  pValue: number;
  verdict: Verdict;
  /** Why the experiment ended: "clear verdict", "run cap", "time cap", "equivalent within ±1%". */
  stopReason: string;
}

/**
 * An interleaved A/B experiment: runs alternate in ABBA order so drift (thermal, caches,
 * other load) hits both sides equally; warm-ups are discarded; it stops as soon as the
 * verdict is clear, or at the run or time cap.
 */
export async function runAbExperiment(measure: (side: Side) => Promise<number>, options: AbOptions = {}): Promise<AbResult> {
  const minRuns = Math.max(3, options.minRuns ?? 5);
  const maxRuns = Math.max(minRuns, options.maxRuns ?? 30);
  const warmups = options.warmups ?? 1;
  const deadline = Date.now() + (options.maxSeconds ?? 300) * 1000;
  const seed = options.seed ?? 0x5eed;

  for (let i = 0; i < warmups; i++) {
    await measure('baseline');
    await measure('candidate');
  }
  const baseline: number[] = [];
  const candidate: number[] = [];
  let stopReason = 'run cap';
  for (let run = 0; run < maxRuns; run++) {
    options.signal?.throwIfAborted();
    const order: Side[] = run % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    for (const side of order) (side === 'baseline' ? baseline : candidate).push(await measure(side));
    options.onProgress?.({ runs: run + 1, baseline: baseline[run], candidate: candidate[run] });
    if (run + 1 >= minRuns) {
      const s = summarize(baseline, candidate, seed);
      if (s.verdict !== 'no significant change' && s.pValue < 0.01) {
        stopReason = 'clear verdict';
        break;
      }
      if (s.ci[0] > -0.01 && s.ci[1] < 0.01) {
        stopReason = 'equivalent within ±1%';
        break;
      }
    }
    if (Date.now() > deadline) {
      stopReason = 'time cap';
      break;
    }
  }
  return { baseline, candidate, ...summarize(baseline, candidate, seed), stopReason };
}

/** Medians, relative change with a percentile-bootstrap 95% interval, p-value and verdict. */
export function summarize(baseline: number[], candidate: number[], seed = 0x5eed): Omit<AbResult, 'baseline' | 'candidate' | 'stopReason'> {
  const baselineMedian = median(baseline);
  const candidateMedian = median(candidate);
  const relativeChange = candidateMedian / baselineMedian - 1;
  const ci = bootstrapRelativeChange(baseline, candidate, 2000, seed);
  const pooled = [...baseline, ...candidate];
  const pValue = mannWhitneyPValue(pooled, 0, baseline.length, pooled.length);
  let verdict: Verdict = 'no significant change';
  if (pValue < 0.05 && ci[1] < 0) verdict = 'faster';
  else if (pValue < 0.05 && ci[0] > 0) verdict = 'slower';
  return { baselineMedian, candidateMedian, relativeChange, ci, pValue, verdict };
}

function bootstrapRelativeChange(a: number[], b: number[], rounds: number, seed: number): [number, number] {
  const random = seededRandom(seed);
  const ra = new Float64Array(a.length);
  const rb = new Float64Array(b.length);
  const stats = new Float64Array(rounds);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < a.length; i++) ra[i] = a[(random() * a.length) | 0];
    for (let i = 0; i < b.length; i++) rb[i] = b[(random() * b.length) | 0];
    stats[r] = median(rb) / median(ra) - 1;
  }
  stats.sort();
  return [stats[Math.floor(rounds * 0.025)], stats[Math.min(rounds - 1, Math.ceil(rounds * 0.975) - 1)]];
}
