import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

// The bundles (dist/) carry SQLite's native module beside them (the .vsix has no node_modules).
const bundledBinding = [join(__dirname, 'native', 'better_sqlite3.node')].find((p) => existsSync(p));
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  CallEdge,
  DeployEvent,
  FunctionRef,
  FunctionShare,
  MetricPoint,
  NewProfile,
  NewRegression,
  ProfileStore,
  RegressionFilter,
  RegressionStatus,
  SeriesPoint,
  ServiceSummary,
  StoredDeploy,
  StoredProfile,
  StoredRegression,
  WindowRow,
} from './store';
import type { LedgerEntry } from '../../core/ledger/schema';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
 * Append new steps, never edit old ones: existing data directories replay only the tail.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE services (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
  CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id),
    time INTEGER NOT NULL,
    end_time INTEGER,
    commit_sha TEXT,
    version TEXT,
    labels TEXT NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    raw BLOB NOT NULL,
    raw_size INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  );
  CREATE INDEX profiles_service_time ON profiles(service_id, time);
  CREATE TABLE windows (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    type TEXT NOT NULL,
    unit TEXT NOT NULL,
    time INTEGER NOT NULL,
    total_weight REAL NOT NULL,
    sample_count INTEGER NOT NULL
  );
  CREATE INDEX windows_series ON windows(service_id, type, time, id);
  CREATE TABLE functions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    UNIQUE(name, file)
  );
  CREATE TABLE function_stats (
    window_id INTEGER NOT NULL REFERENCES windows(id),
    function_id INTEGER NOT NULL REFERENCES functions(id),
    inclusive REAL NOT NULL,
    self REAL NOT NULL,
    PRIMARY KEY (window_id, function_id)
  ) WITHOUT ROWID;
  CREATE INDEX function_stats_function ON function_stats(function_id, window_id);
  CREATE TABLE metric_points (
    id INTEGER PRIMARY KEY,
    series TEXT NOT NULL,
    labels TEXT NOT NULL,
    time INTEGER NOT NULL,
    value REAL NOT NULL,
    commit_sha TEXT
  );
  CREATE INDEX metric_points_series ON metric_points(series, labels, time);
  CREATE TABLE deploys (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    version TEXT,
    time INTEGER NOT NULL
  );
  CREATE INDEX deploys_service_time ON deploys(service, time);
  CREATE TABLE regressions (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    function_name TEXT NOT NULL,
    function_file TEXT NOT NULL,
    function_line INTEGER NOT NULL,
    change_time INTEGER NOT NULL,
    detected_at INTEGER NOT NULL,
    acknowledged_at INTEGER,
    fixed_at INTEGER,
    false_positive_at INTEGER,
    note TEXT,
    evidence TEXT NOT NULL
  );
  CREATE INDEX regressions_service_status ON regressions(service, status);
  `,
  `
  ALTER TABLE functions ADD COLUMN end_line INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE call_edges (
    service_id INTEGER NOT NULL REFERENCES services(id),
    type TEXT NOT NULL,
    caller_id INTEGER NOT NULL REFERENCES functions(id),
    callee_id INTEGER NOT NULL REFERENCES functions(id),
    PRIMARY KEY (service_id, type, caller_id, callee_id)
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE ledger (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    time INTEGER NOT NULL,
    entry TEXT NOT NULL
  );
  CREATE INDEX ledger_time ON ledger(time);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

type Row = Record<string, unknown>;

/** The embedded store: one SQLite file (`hotpath.db`) in the data directory, WAL mode. */
export class SqliteProfileStore implements ProfileStore {
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<SqliteProfileStore['prepare']>;
  /** One prepared statement per filter shape (at most eight). */
  private readonly filterStatements = new Map<string, Database.Statement>();
  private readonly addProfileTx: (p: NewProfile) => { profileId: number; windowIds: number[] };

  /** `location` is a data directory, or ':memory:' for a throwaway database. */
  constructor(location: string) {
    let file = location;
    if (location !== ':memory:') {
      fs.mkdirSync(location, { recursive: true });
      file = path.join(location, 'hotpath.db');
    }
    this.db = new Database(file, bundledBinding ? { nativeBinding: bundledBinding } : {});
    this.db.pragma('journal_mode = WAL');
    // WAL + NORMAL is durable across process crashes (only an OS crash can drop the last commits).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    try {
      this.migrate();
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.stmt = this.prepare();
    this.addProfileTx = this.db.transaction((p: NewProfile) => this.insertProfile(p));
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`the database schema is version ${current}, newer than this hotpath (${MIGRATIONS.length}); upgrade hotpath`);
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  private prepare() {
    const db = this.db;
    return {
      serviceId: db.prepare('SELECT id FROM services WHERE name = ?').pluck(),
      insertService: db.prepare('INSERT INTO services(name) VALUES (?)'),
      insertProfile: db.prepare(
        `INSERT INTO profiles(service_id, time, end_time, commit_sha, version, labels, source, format, raw, raw_size, received_at)
         VALUES (@serviceId, @time, @endTime, @commit, @version, @labels, @source, @format, @raw, @rawSize, @receivedAt)`,
      ),
      insertWindow: db.prepare(
        `INSERT INTO windows(profile_id, service_id, type, unit, time, total_weight, sample_count)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      functionId: db.prepare('SELECT id FROM functions WHERE name = ? AND file = ?').pluck(),
      insertFunction: db.prepare('INSERT INTO functions(name, file, line, end_line) VALUES (?, ?, ?, ?)'),
      updateFunctionLines: db.prepare('UPDATE functions SET line = ?, end_line = ? WHERE id = ? AND (line <> ? OR end_line <> ?)'),
      insertEdge: db.prepare('INSERT OR IGNORE INTO call_edges(service_id, type, caller_id, callee_id) VALUES (?, ?, ?, ?)'),
      edges: db.prepare(
        `SELECT a.name AS caller_name, a.file AS caller_file, b.name AS callee_name, b.file AS callee_file
         FROM call_edges e JOIN functions a ON a.id = e.caller_id JOIN functions b ON b.id = e.callee_id
         WHERE e.service_id = ? AND e.type = ?`,
      ),
      insertStat: db.prepare('INSERT INTO function_stats(window_id, function_id, inclusive, self) VALUES (?, ?, ?, ?)'),
      profile: db.prepare(
        `SELECT p.id, s.name AS service, p.time, p.end_time, p.commit_sha, p.version, p.labels, p.source, p.format,
                p.raw_size, p.received_at, (SELECT group_concat(type, ',') FROM windows w WHERE w.profile_id = p.id) AS types
         FROM profiles p JOIN services s ON s.id = p.service_id WHERE p.id = ?`,
      ),
      profileRaw: db.prepare('SELECT raw FROM profiles WHERE id = ?').pluck(),
      listProfiles: db.prepare(
        `SELECT p.id, s.name AS service, p.time, p.end_time, p.commit_sha, p.version, p.labels, p.source, p.format,
                p.raw_size, p.received_at, (SELECT group_concat(type, ',') FROM windows w WHERE w.profile_id = p.id) AS types
         FROM profiles p JOIN services s ON s.id = p.service_id
         WHERE s.name = ? AND p.time >= ? AND p.time < ? ORDER BY p.time, p.id LIMIT ?`,
      ),
      countAll: db.prepare('SELECT count(*) FROM profiles').pluck(),
      countService: db.prepare('SELECT count(*) FROM profiles p JOIN services s ON s.id = p.service_id WHERE s.name = ?').pluck(),
      services: db.prepare(
        `SELECT s.name, count(p.id) AS profiles, min(p.time) AS first, max(p.time) AS last
         FROM services s LEFT JOIN profiles p ON p.service_id = s.id GROUP BY s.id ORDER BY s.name`,
      ),
      serviceTypes: db.prepare(
        `SELECT s.name, w.type, w.unit, count(*) AS windows FROM windows w JOIN services s ON s.id = w.service_id
         GROUP BY s.name, w.type, w.unit ORDER BY s.name, windows DESC, w.type`,
      ),
      typesOf: db.prepare('SELECT type, unit, count(*) AS windows FROM windows WHERE service_id = ? GROUP BY type, unit ORDER BY windows DESC, type'),
      windows: db.prepare(
        `SELECT w.id AS window_id, w.profile_id, w.time, w.total_weight, p.commit_sha, p.version
         FROM windows w JOIN profiles p ON p.id = w.profile_id
         WHERE w.service_id = ? AND w.type = ? AND w.time >= ? AND w.time < ? ORDER BY w.time, w.id`,
      ),
      functions: db.prepare(
        `SELECT f.name, f.file, f.line, f.end_line, max(fs.inclusive) AS max_inclusive
         FROM windows w JOIN function_stats fs ON fs.window_id = w.id JOIN functions f ON f.id = fs.function_id
         WHERE w.service_id = ? AND w.type = ? GROUP BY f.id HAVING max_inclusive >= ?
         ORDER BY max_inclusive DESC, f.name LIMIT ?`,
      ),
      series: db.prepare(
        `SELECT w.id AS window_id, w.time, p.commit_sha, coalesce(fs.inclusive, 0) AS inclusive, coalesce(fs.self, 0) AS self
         FROM windows w JOIN profiles p ON p.id = w.profile_id
         LEFT JOIN function_stats fs ON fs.window_id = w.id AND fs.function_id = ?
         WHERE w.service_id = ? AND w.type = ? AND w.time >= ? AND w.time < ? ORDER BY w.time, w.id`,
      ),
      windowFunctions: db.prepare(
        `SELECT f.name, f.file, f.line, f.end_line, fs.inclusive, fs.self FROM function_stats fs JOIN functions f ON f.id = fs.function_id
         WHERE fs.window_id = ? ORDER BY fs.inclusive DESC`,
      ),
      insertMetric: db.prepare('INSERT INTO metric_points(series, labels, time, value, commit_sha) VALUES (?, ?, ?, ?, ?)'),
      metricSeriesList: db.prepare('SELECT series, labels, count(*) AS points FROM metric_points GROUP BY series, labels ORDER BY series, labels'),
      metricSeries: db.prepare(
        'SELECT series, labels, time, value, commit_sha FROM metric_points WHERE series = ? AND time >= ? AND time < ? ORDER BY time, id',
      ),
      metricSeriesLabels: db.prepare(
        'SELECT series, labels, time, value, commit_sha FROM metric_points WHERE series = ? AND labels = ? AND time >= ? AND time < ? ORDER BY time, id',
      ),
      insertDeploy: db.prepare('INSERT INTO deploys(service, commit_sha, version, time) VALUES (?, ?, ?, ?)'),
      deploys: db.prepare('SELECT id, service, commit_sha, version, time FROM deploys WHERE service = ? AND time >= ? AND time < ? ORDER BY time, id'),
      insertRegression: db.prepare(
        `INSERT INTO regressions(service, type, status, function_name, function_file, function_line, change_time, detected_at, evidence)
         VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
      ),
      regression: db.prepare('SELECT * FROM regressions WHERE id = ?'),
      regressionEvidence: db.prepare('UPDATE regressions SET evidence = ? WHERE id = ?'),
      regressionStatus: db.prepare(
        `UPDATE regressions SET status = @status, note = coalesce(@note, note),
           acknowledged_at = CASE WHEN @status = 'acknowledged' THEN coalesce(acknowledged_at, @at) ELSE acknowledged_at END,
           fixed_at = CASE WHEN @status = 'fixed' THEN coalesce(fixed_at, @at) ELSE fixed_at END,
           false_positive_at = CASE WHEN @status = 'false_positive' THEN coalesce(false_positive_at, @at) ELSE false_positive_at END
         WHERE id = @id`,
      ),
      insertLedger: db.prepare('INSERT OR IGNORE INTO ledger(id, kind, time, entry) VALUES (?, ?, ?, ?)'),
      ledger: db.prepare('SELECT entry FROM ledger ORDER BY time, id').pluck(),
    };
  }

  addProfile(profile: NewProfile): { profileId: number; windowIds: number[] } {
    return this.addProfileTx(profile);
  }

  private serviceIdFor(name: string): number {
    const id = this.stmt.serviceId.get(name) as number | undefined;
    return id ?? Number(this.stmt.insertService.run(name).lastInsertRowid);
  }

  private functionIdFor(fn: FunctionShare): number {
    const id = this.stmt.functionId.get(fn.name, fn.file) as number | undefined;
    if (id === undefined) return Number(this.stmt.insertFunction.run(fn.name, fn.file, fn.line, fn.endLine).lastInsertRowid);
    // Keep the latest known lines: root-cause ranking compares them with diff hunks.
    if (fn.line > 0) this.stmt.updateFunctionLines.run(fn.line, fn.endLine, id, fn.line, fn.endLine);
    return id;
  }

  private insertProfile(p: NewProfile): { profileId: number; windowIds: number[] } {
    const serviceId = this.serviceIdFor(p.meta.service);
    const profileId = Number(
      this.stmt.insertProfile.run({
        serviceId,
        time: p.meta.time,
        endTime: p.meta.endTime ?? null,
        commit: p.meta.commit ?? null,
        version: p.meta.version ?? null,
        labels: JSON.stringify(p.meta.labels),
        source: p.meta.source,
        format: p.format,
        raw: Buffer.from(p.rawGzip.buffer, p.rawGzip.byteOffset, p.rawGzip.byteLength),
        rawSize: p.rawSize,
        receivedAt: Date.now(),
      }).lastInsertRowid,
    );
    const windowIds: number[] = [];
    for (const w of p.windows) {
      const windowId = Number(
        this.stmt.insertWindow.run(profileId, serviceId, w.type, w.unit, p.meta.time, w.totalWeight, w.sampleCount).lastInsertRowid,
      );
      windowIds.push(windowId);
      const ids = w.functions.map((f) => this.functionIdFor(f));
      w.functions.forEach((f, i) => this.stmt.insertStat.run(windowId, ids[i], f.inclusive, f.self));
      for (const [caller, callee] of w.edges) this.stmt.insertEdge.run(serviceId, w.type, ids[caller], ids[callee]);
    }
    return { profileId, windowIds };
  }

  getProfile(id: number): StoredProfile | undefined {
    const row = this.stmt.profile.get(id) as Row | undefined;
    return row && toProfile(row);
  }

  getProfileRaw(id: number): Uint8Array | undefined {
    return this.stmt.profileRaw.get(id) as Buffer | undefined;
  }

  listProfiles(service: string, from: number, to: number, limit: number): StoredProfile[] {
    return (this.stmt.listProfiles.all(service, from, to, limit) as Row[]).map(toProfile);
  }

  countProfiles(service?: string): number {
    return (service === undefined ? this.stmt.countAll.get() : this.stmt.countService.get(service)) as number;
  }

  listServices(): ServiceSummary[] {
    const types = new Map<string, ServiceSummary['types']>();
    for (const r of this.stmt.serviceTypes.all() as Row[]) {
      const list = types.get(r.name as string) ?? [];
      list.push({ type: r.type as string, unit: r.unit as string, windows: r.windows as number });
      types.set(r.name as string, list);
    }
    return (this.stmt.services.all() as Row[]).map((r) => ({
      name: r.name as string,
      profileCount: r.profiles as number,
      firstTime: (r.first as number | null) ?? null,
      lastTime: (r.last as number | null) ?? null,
      types: types.get(r.name as string) ?? [],
    }));
  }

  serviceTypes(service: string): ServiceSummary['types'] {
    const serviceId = this.stmt.serviceId.get(service) as number | undefined;
    if (serviceId === undefined) return [];
    return (this.stmt.typesOf.all(serviceId) as Row[]).map((r) => ({ type: r.type as string, unit: r.unit as string, windows: r.windows as number }));
  }

  listWindows(service: string, type: string, from = -Infinity, to = Infinity): WindowRow[] {
    const serviceId = this.stmt.serviceId.get(service) as number | undefined;
    if (serviceId === undefined) return [];
    return (this.stmt.windows.all(serviceId, type, bound(from), bound(to)) as Row[]).map((r) => ({
      windowId: r.window_id as number,
      profileId: r.profile_id as number,
      time: r.time as number,
      totalWeight: r.total_weight as number,
      commit: (r.commit_sha as string | null) ?? null,
      version: (r.version as string | null) ?? null,
    }));
  }

  listFunctions(service: string, type: string, minShare: number, limit: number): (FunctionRef & { endLine: number; maxInclusive: number })[] {
    const serviceId = this.stmt.serviceId.get(service) as number | undefined;
    if (serviceId === undefined) return [];
    return (this.stmt.functions.all(serviceId, type, minShare, limit) as Row[]).map((r) => ({
      name: r.name as string,
      file: r.file as string,
      line: r.line as number,
      endLine: r.end_line as number,
      maxInclusive: r.max_inclusive as number,
    }));
  }

  listCallEdges(service: string, type: string): CallEdge[] {
    const serviceId = this.stmt.serviceId.get(service) as number | undefined;
    if (serviceId === undefined) return [];
    return (this.stmt.edges.all(serviceId, type) as Row[]).map((r) => ({
      caller: { name: r.caller_name as string, file: r.caller_file as string },
      callee: { name: r.callee_name as string, file: r.callee_file as string },
    }));
  }

  functionSeries(service: string, type: string, fn: { name: string; file: string }, from = -Infinity, to = Infinity): SeriesPoint[] {
    const serviceId = this.stmt.serviceId.get(service) as number | undefined;
    const functionId = this.stmt.functionId.get(fn.name, fn.file) as number | undefined;
    if (serviceId === undefined || functionId === undefined) return [];
    return (this.stmt.series.all(functionId, serviceId, type, bound(from), bound(to)) as Row[]).map((r) => ({
      windowId: r.window_id as number,
      time: r.time as number,
      commit: (r.commit_sha as string | null) ?? null,
      inclusive: r.inclusive as number,
      self: r.self as number,
    }));
  }

  windowFunctions(windowId: number): FunctionShare[] {
    return (this.stmt.windowFunctions.all(windowId) as Row[]).map((r) => ({
      name: r.name as string,
      file: r.file as string,
      line: r.line as number,
      endLine: r.end_line as number,
      inclusive: r.inclusive as number,
      self: r.self as number,
    }));
  }

  addMetrics(points: MetricPoint[]): number {
    this.db.transaction(() => {
      for (const p of points) this.stmt.insertMetric.run(p.series, canonicalLabels(p.labels), p.time, p.value, p.commit ?? null);
    })();
    return points.length;
  }

  listMetricSeries(): { series: string; labels: Record<string, string>; points: number }[] {
    return (this.stmt.metricSeriesList.all() as Row[]).map((r) => ({
      series: r.series as string,
      labels: JSON.parse(r.labels as string) as Record<string, string>,
      points: r.points as number,
    }));
  }

  metricSeries(series: string, labels: Record<string, string> | undefined, from = -Infinity, to = Infinity): MetricPoint[] {
    const rows = (
      labels === undefined
        ? this.stmt.metricSeries.all(series, bound(from), bound(to))
        : this.stmt.metricSeriesLabels.all(series, canonicalLabels(labels), bound(from), bound(to))
    ) as Row[];
    return rows.map((r) => {
      const p: MetricPoint = { series: r.series as string, labels: JSON.parse(r.labels as string), time: r.time as number, value: r.value as number };
      if (r.commit_sha) p.commit = r.commit_sha as string;
      return p;
    });
  }

  addDeploys(events: DeployEvent[]): number {
    this.db.transaction(() => {
      for (const e of events) this.stmt.insertDeploy.run(e.service, e.commit, e.version ?? null, e.time);
    })();
    return events.length;
  }

  listDeploys(service: string, from = -Infinity, to = Infinity): StoredDeploy[] {
    return (this.stmt.deploys.all(service, bound(from), bound(to)) as Row[]).map((r) => {
      const d: StoredDeploy = { id: r.id as number, service: r.service as string, commit: r.commit_sha as string, time: r.time as number };
      if (r.version) d.version = r.version as string;
      return d;
    });
  }

  addRegression(r: NewRegression): StoredRegression {
    const id = Number(
      this.stmt.insertRegression.run(r.service, r.type, r.function.name, r.function.file, r.function.line, r.changeTime, r.detectedAt, JSON.stringify(r.evidence))
        .lastInsertRowid,
    );
    return this.getRegression(id)!;
  }

  updateRegressionEvidence(id: number, evidence: Record<string, unknown>): void {
    this.stmt.regressionEvidence.run(JSON.stringify(evidence), id);
  }

  getRegression(id: number): StoredRegression | undefined {
    const row = this.stmt.regression.get(id) as Row | undefined;
    return row && toRegression(row);
  }

  listRegressions(filter: RegressionFilter): StoredRegression[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.service !== undefined) {
      where.push('service = ?');
      args.push(filter.service);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.afterId !== undefined) {
      where.push('id > ?');
      args.push(filter.afterId);
    }
    const sql = `SELECT * FROM regressions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
    args.push(filter.limit ?? 1000);
    let statement = this.filterStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.filterStatements.set(sql, statement);
    }
    return (statement.all(...args) as Row[]).map(toRegression);
  }

  setRegressionStatus(id: number, status: RegressionStatus, at: number, note?: string): StoredRegression | undefined {
    const info = this.stmt.regressionStatus.run({ id, status, at, note: note ?? null });
    return info.changes ? this.getRegression(id) : undefined;
  }

  addLedgerEntry(entry: LedgerEntry): boolean {
    const time = entry.kind === 'fix' ? entry.time : entry.fixedAt;
    return this.stmt.insertLedger.run(entry.id, entry.kind, time, JSON.stringify(entry)).changes > 0;
  }

  listLedgerEntries(): LedgerEntry[] {
    // Entries were validated on the way in; the JSON is ours.
    return (this.stmt.ledger.all() as string[]).map((text) => JSON.parse(text) as LedgerEntry);
  }

  close(): void {
    if (!this.db.open) return;
    // Fold the WAL back into the main file so the data directory is one self-contained file at rest.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

/** SQLite compares integers; ±Infinity bounds become the widest 64-bit range. */
function bound(t: number): number {
  if (t === Infinity) return Number.MAX_SAFE_INTEGER;
  if (t === -Infinity) return Number.MIN_SAFE_INTEGER;
  return t;
}

/** Labels as sorted-key JSON, so equal label sets are equal strings. */
function canonicalLabels(labels: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

function toProfile(r: Row): StoredProfile {
  return {
    id: r.id as number,
    service: r.service as string,
    time: r.time as number,
    endTime: (r.end_time as number | null) ?? null,
    commit: (r.commit_sha as string | null) ?? null,
    version: (r.version as string | null) ?? null,
    labels: JSON.parse(r.labels as string) as Record<string, string>,
    source: r.source as string,
    format: r.format as string,
    rawSize: r.raw_size as number,
    receivedAt: r.received_at as number,
    types: r.types ? (r.types as string).split(',') : [],
  };
}

function toRegression(r: Row): StoredRegression {
  return {
    id: r.id as number,
    service: r.service as string,
    type: r.type as string,
    status: r.status as RegressionStatus,
    function: { name: r.function_name as string, file: r.function_file as string, line: r.function_line as number },
    changeTime: r.change_time as number,
    detectedAt: r.detected_at as number,
    acknowledgedAt: (r.acknowledged_at as number | null) ?? null,
    fixedAt: (r.fixed_at as number | null) ?? null,
    falsePositiveAt: (r.false_positive_at as number | null) ?? null,
    note: (r.note as string | null) ?? null,
    evidence: JSON.parse(r.evidence as string) as Record<string, unknown>,
  };
}
