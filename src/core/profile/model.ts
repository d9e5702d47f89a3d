/**
 * The profile model: plain data (typed arrays, arrays, numbers, strings), no cycles,
 * so it can be posted to a webview or a worker as is.
 *
 * Conventions: lines and columns are 1-based everywhere (0 or undefined = unknown).
 * The call tree is a trie of stacks stored column-wise; node 0 is the root (no frame).
 */

export type WeightUnit =
  | 'samples'
  | 'nanoseconds'
  | 'microseconds'
  | 'milliseconds'
  | 'seconds'
  | 'bytes'
  | 'objects'
  | 'count';

export interface Frame {
  /** Function name as the profiler reported it. */
  name: string;
  /** Source file, URL or module path as the profiler reported it (not resolved). */
  file?: string;
  /** 1-based line where the function starts (or the line of the frame when the profiler only knows that). */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Module, package, library or DSO the frame belongs to. */
  module?: string;
}

/** Cost attributed to source lines inside one frame: line → weight. */
export type LineWeights = Map<number, number>;

export interface Profile {
  /** Thread, process or sample-type name ("Main thread", "cpu", "alloc_space", …). */
  name: string;
  unit: WeightUnit;
  /** Interned frames; nodes refer to them by index. */
  frames: Frame[];
  /** Number of trie nodes, including the root at index 0. */
  nodeCount: number;
  /** Frame index of each node (-1 for the root). */
  nodeFrame: Int32Array;
  /** Parent node of each node (-1 for the root). Parents always precede children. */
  nodeParent: Int32Array;
  /** Weight of samples whose leaf is this node. */
  nodeSelf: Float64Array;
  /** Weight of samples passing through this node (self + descendants). */
  nodeTotal: Float64Array;
  /** Number of samples recorded (for weighted formats: number of stack records). */
  sampleCount: number;
  /** Sum of all sample weights, in `unit`. */
  totalWeight: number;
  /**
   * Optional per-sample timeline (time-ordered view): leaf node of each sample, its weight
   * and its start time in `timeUnit` relative to `startTime`.
   */
  timeline?: { node: Int32Array; weight: Float64Array; time: Float64Array };
  /** Start and end of the recording, when known (in the profile's time unit). */
  startTime?: number;
  endTime?: number;
  /**
   * Per-line cost inside frames, when the format records lines (cpuprofile positionTicks,
   * pprof line numbers): frame index → (line → self weight). `lineTotal` counts a line
   * once per sample even when it appears several times in a stack.
   */
  lineSelf: Map<number, LineWeights>;
  lineTotal: Map<number, LineWeights>;
}

export interface ProfileSet {
  /** Detected format id, e.g. "cpuprofile", "pprof", "collapsed". */
  format: string;
  /** One per thread, process or sample type. */
  profiles: Profile[];
  /** Index of the profile to show first. */
  activeIndex: number;
  /** Name of the source (file name) when known. */
  source?: string;
}

/** A short display label for a frame: "name (file:line)". */
export function frameLabel(frame: Frame): string {
  if (!frame.file) return frame.name;
  return frame.line ? `${frame.name} (${frame.file}:${frame.line})` : `${frame.name} (${frame.file})`;
}
