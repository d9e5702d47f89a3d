// How the demo and the end-to-end check run their profiled workloads. Profile weights are time
// deltas between samples, so a run preempted by other processes on a loaded machine charges the
// preemption to whatever ran next. A real-time (SCHED_FIFO) or raised priority keeps the short
// runs on a core when the OS allows it.
import { execFileSync } from 'node:child_process';

/** The command prefix (`chrt -f 1`, `nice -n -10`, or none) that this machine permits. */
export function priorityPrefix() {
  for (const prefix of [['chrt', '-f', '1'], ['nice', '-n', '-10']]) {
    try {
      execFileSync(prefix[0], [...prefix.slice(1), process.execPath, '-e', ''], { stdio: 'ignore' });
      return prefix;
    } catch {
      // Not permitted here (or not installed): try the next, else run at normal priority.
    }
  }
  return [];
}
