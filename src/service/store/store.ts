/**
 * The profile service's storage port. The SQLite implementation is the embedded default;
 * the interface is what a PostgreSQL implementation would fill to serve several replicas.
 * Times are milliseconds since the Unix epoch; shares are fractions (0..1) of a window's
 * total weight.
 */
import type { LedgerEntry } from '../../core/ledger/schema';

export interface FunctionRef {
  name: string;
  /** Source file as the profiler reported it ('' when unknown). */
  file: string;
  /** 1-based line of the function's start as last seen (0 = unknown). */
  line: number;
}

/** Per-function aggregate of one profile window: share of weight in stacks containing it, and its self share. */
export interface FunctionShare extends FunctionRef {
  /** Last line of the function seen in samples (its start line when the format has no line data). */
  endLine: number;
  inclusive: number;
  self: number;
}

/** A caller → callee pair seen in some window, as function identities. */
export interface CallEdge {
  caller: { name: string; file: string };
  callee: { name: string; file: string };
}

export interface ProfileMeta {
  service: string;
  time: number;
  endTime?: number;
  commit?: string;
  version?: string;
  labels: Record<string, string>;
  /** How it arrived: "api" or "pyroscope". */
  source: string;
}

/** One sample type of an uploaded profile (cpu, wall, alloc_space…): one point of every function series. */
export interface WindowInput {
  type: string;
  unit: string;
  totalWeight: number;
  sampleCount: number;
  functions: FunctionShare[];
  /** Calls between stored functions: indexes into `functions`, caller first. */
  edges: [number, number][];
}

export interface NewProfile {
  meta: ProfileMeta;
  format: string;
  /** Gzip-compressed original content. */
  rawGzip: Uint8Array;
  rawSize: number;
  windows: WindowInput[];
}

export interface StoredProfile {
  id: number;
  service: string;
  time: number;
  endTime: number | null;
  commit: string | null;
  version: string | null;
  labels: Record<string, string>;
  source: string;
  format: string;
  rawSize: number;
  receivedAt: number;
  types: string[];
}

export interface WindowRow {
  windowId: number;
  profileId: number;
  time: number;
  /** The sum of the window's sample weights, in its unit. */
  totalWeight: number;
  commit: string | null;
  version: string | null;
}

export interface SeriesPoint {
  windowId: number;
  time: number;
  commit: string | null;
  inclusive: number;
  self: number;
}

export interface ServiceSummary {
  name: string;
  profileCount: number;
  firstTime: number | null;
  lastTime: number | null;
  types: { type: string; unit: string; windows: number }[];
}

export interface MetricPoint {
  series: string;
  labels: Record<string, string>;
  time: number;
  value: number;
  commit?: string;
}

export interface DeployEvent {
  service: string;
  commit: string;
  version?: string;
  time: number;
}

export interface StoredDeploy extends DeployEvent {
  id: number;
}

export type RegressionStatus = 'open' | 'acknowledged' | 'fixed' | 'false_positive';

/** A regression as stored: indexed columns plus the evidence document. */
export interface StoredRegression {
  id: number;
  service: string;
  type: string;
  status: RegressionStatus;
  /** Headline function. */
  function: FunctionRef;
  /** Time of the first window after the change point. */
  changeTime: number;
  detectedAt: number;
  acknowledgedAt: number | null;
  fixedAt: number | null;
  falsePositiveAt: number | null;
  note: string | null;
  /** Everything else: change point statistics, related functions, suspects, impact. */
  evidence: Record<string, unknown>;
}

export interface NewRegression {
  service: string;
  type: string;
  function: FunctionRef;
  changeTime: number;
  detectedAt: number;
  evidence: Record<string, unknown>;
}

export interface RegressionFilter {
  service?: string;
  status?: RegressionStatus;
  afterId?: number;
  limit?: number;
}

export interface ProfileStore {
  /** Stores a profile and its windows atomically; returns the profile id and one window id per input window. */
  addProfile(profile: NewProfile): { profileId: number; windowIds: number[] };
  getProfile(id: number): StoredProfile | undefined;
  /** The original bytes, gzip-compressed. */
  getProfileRaw(id: number): Uint8Array | undefined;
  /** Profiles of a service whose time is in [from, to), oldest first. */
  listProfiles(service: string, from: number, to: number, limit: number): StoredProfile[];
  countProfiles(service?: string): number;

  listServices(): ServiceSummary[];
  /** Profile types of one service, most windows first (empty for an unknown service). */
  serviceTypes(service: string): ServiceSummary['types'];
  /** Windows of one service and type, oldest first (time, then id). */
  listWindows(service: string, type: string, from?: number, to?: number): WindowRow[];
  /** Functions with at least `minShare` inclusive share in some window of the type, most expensive first. */
  listFunctions(service: string, type: string, minShare: number, limit: number): (FunctionRef & { endLine: number; maxInclusive: number })[];
  /** Every caller → callee pair seen in the windows of a service and type. */
  listCallEdges(service: string, type: string): CallEdge[];
  /** One function's share in every window of the range (0 where it was not sampled), oldest first. */
  functionSeries(service: string, type: string, fn: { name: string; file: string }, from?: number, to?: number): SeriesPoint[];
  /** Aggregates of one window. */
  windowFunctions(windowId: number): FunctionShare[];

  addMetrics(points: MetricPoint[]): number;
  listMetricSeries(): { series: string; labels: Record<string, string>; points: number }[];
  metricSeries(series: string, labels: Record<string, string> | undefined, from?: number, to?: number): MetricPoint[];

  addDeploys(events: DeployEvent[]): number;
  listDeploys(service: string, from?: number, to?: number): StoredDeploy[];

  addRegression(regression: NewRegression): StoredRegression;
  updateRegressionEvidence(id: number, evidence: Record<string, unknown>): void;
  getRegression(id: number): StoredRegression | undefined;
  listRegressions(filter: RegressionFilter): StoredRegression[];
  /** Changes the status, recording the first time each status was reached (for time to mitigate). */
  setRegressionStatus(id: number, status: RegressionStatus, at: number, note?: string): StoredRegression | undefined;

  /** Adds an efficiency-ledger entry; false when an entry with its id is already stored. */
  addLedgerEntry(entry: LedgerEntry): boolean;
  /** Every ledger entry, oldest first. */
  listLedgerEntries(): LedgerEntry[];

  close(): void;
}
