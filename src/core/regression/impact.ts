/**
 * What a regression costs, in the units a capacity planner uses, and how long it took to
 * notice, acknowledge and fix it (the time to mitigate).
 */

export interface FleetConfig {
  /** CPU cores the service runs on across the fleet. */
  cores: number;
  /** Average power per core, in watts. */
  wattsPerCore: number;
}

export interface Impact {
  /** Change of the service's CPU share (0.008 = +0.8% of the fleet's CPU). */
  cpuShare: number;
  cores: number;
  kilowatts: number;
  /** "+0.8% CPU ≈ 96 cores ≈ 19 kW". */
  summary: string;
}

/** Cost of a change of `cpuShare` (a fraction of all CPU time of the service) on `fleet`. */
export function impactOf(cpuShare: number, fleet: FleetConfig): Impact {
  if (!(fleet.cores >= 0) || !(fleet.wattsPerCore >= 0)) throw new RangeError('fleet cores and watts per core must be ≥ 0');
  const cores = cpuShare * fleet.cores;
  const kilowatts = (cores * fleet.wattsPerCore) / 1000;
  const sign = cpuShare >= 0 ? '+' : '−';
  const summary = `${sign}${round(Math.abs(cpuShare) * 100)}% CPU ≈ ${round(Math.abs(cores))} cores ≈ ${round(Math.abs(kilowatts))} kW`;
  return { cpuShare, cores, kilowatts, summary };
}

/** Two significant digits, no trailing zeros: 0.8, 96, 19, 1200. */
function round(x: number): string {
  if (x === 0) return '0';
  const digits = Math.max(0, 1 - Math.floor(Math.log10(x)));
  return Number(x.toFixed(digits)).toString();
}

export interface MitigationTimes {
  /** ms from the change to its detection. */
  timeToDetect: number;
  /** ms from the change to acknowledgement, once acknowledged. */
  timeToAcknowledge?: number;
  /** ms from the change to the fix, once fixed: the time to mitigate. */
  timeToFix?: number;
}

/** Elapsed times since the change (all times in ms since the epoch). */
export function mitigationTimes(t: { changeTime: number; detectedTime: number; acknowledgedTime?: number; fixedTime?: number }): MitigationTimes {
  const since = (x: number) => Math.max(0, x - t.changeTime);
  return {
    timeToDetect: since(t.detectedTime),
    ...(t.acknowledgedTime !== undefined ? { timeToAcknowledge: since(t.acknowledgedTime) } : {}),
    ...(t.fixedTime !== undefined ? { timeToFix: since(t.fixedTime) } : {}),
  };
}
