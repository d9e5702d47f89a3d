import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import * as esbuild from 'esbuild';
import { cliToolContext } from '../../../src/cli/tool-context';
import { allTools, toolJsonSchema, type ToolContext } from '../../../src/core/tools/index';
import { createMcpServer } from '../../../src/mcp/server';
import type { VerifyOptions, VerifyReport } from '../../../src/core/verify/verify';

const ROOT = path.resolve(__dirname, '../../..');
const CPUPROFILE = path.join(ROOT, 'test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile');
const BUSY_JS = path.join(ROOT, 'test/fixtures/programs/busy.js');

/** The reviewed snapshot of the fixture (folded stacks + totals): the expected numbers come from here, not from the tools. */
function snapshotFacts(fn: string) {
  const lines = fs.readFileSync(`${CPUPROFILE}.snap`, 'utf8').split('\n');
  const header = /samples=(\d+) \| total=(\d+)/.exec(lines.find((l) => l.includes('samples=')) ?? '');
  assert.ok(header, 'snapshot header');
  let self = 0;
  let total = 0;
  for (const line of lines) {
    const m = /^(.+) (\d+)$/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const frames = m[1].split(';').map((f) => (f.includes(' (') ? f.slice(0, f.indexOf(' (')) : f));
    if (frames[frames.length - 1] === fn) self += Number(m[2]);
    if (frames.includes(fn)) total += Number(m[2]);
  }
  return { samples: Number(header[1]), totalWeight: Number(header[2]), self, total };
}

interface CallResult {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

const textOf = (r: CallResult) => r.content.map((c) => c.text ?? '').join('\n');

/** A workspace holding the program the fixture profile was captured from, plus a copy of the profile. */
function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-mcp-'));
  fs.copyFileSync(BUSY_JS, path.join(ws, 'busy.js'));
  fs.mkdirSync(path.join(ws, 'profiles'));
  fs.copyFileSync(CPUPROFILE, path.join(ws, 'profiles', 'second.cpuprofile'));
  return ws;
}

async function expectHotspots(client: Client) {
  const buildReport = snapshotFacts('buildReport');
  const r = (await client.callTool({ name: 'get_hotspots', arguments: { top: 3 } })) as CallResult;
  assert.equal(r.isError, undefined, textOf(r));
  const data = r.structuredContent as { totalWeight: number; functions: { rank: number; name: string; self: number; total: number; selfPercent: number; location: string }[] };
  assert.equal(data.totalWeight, buildReport.totalWeight);
  assert.equal(data.functions.length, 3);
  const top = data.functions[0];
  assert.deepEqual(
    { name: top.name, self: top.self, total: top.total, location: top.location },
    { name: 'buildReport', self: buildReport.self, total: buildReport.total, location: 'busy.js:15' },
  );
  assert.ok(Math.abs(top.selfPercent - (100 * buildReport.self) / buildReport.totalWeight) < 1e-9);
  assert.match(textOf(r), new RegExp(`1\\. buildReport — self ${((100 * buildReport.self) / buildReport.totalWeight).toFixed(1)}%.* at busy\\.js:15`));
}

describe('mcp: the tools over the Model Context Protocol (in memory)', function () {
  this.timeout(30000);
  let ws: string;
  let context: ToolContext;
  const benchmarks: VerifyOptions[] = [];
  // A verifier that records what it was asked to run: nothing here may execute for real.
  const scriptedVerify = async (options: VerifyOptions): Promise<VerifyReport> => {
    benchmarks.push(options);
    return {
      verdict: 'faster',
      baselineMedian: 100,
      candidateMedian: 80,
      relativeChange: -0.2,
      ci: [-0.25, -0.15],
      pValue: 0.001,
      baseline: [100, 101, 99],
      candidate: [80, 81, 79],
      stopReason: 'verdict clear',
    } as unknown as VerifyReport;
  };

  async function connect(allowExecute: boolean): Promise<Client> {
    const server = createMcpServer(context, { allowExecute, version: '1.2.3' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'hotpath-test', version: '1.0.0' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    return client;
  }

  before(async () => {
    ws = makeWorkspace();
    context = { ...(await cliToolContext({ workspace: ws, profiles: [CPUPROFILE] })), verify: scriptedVerify };
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('lists every tool with its name, description and the JSON Schema of its zod input', async () => {
    const client = await connect(false);
    assert.deepEqual(client.getServerVersion(), { name: 'hotpath', version: '1.2.3' });
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      allTools.map((t) => t.name),
    );
    for (const tool of allTools) {
      const listed = tools.find((t) => t.name === tool.name)!;
      assert.equal(listed.description, tool.description);
      assert.deepEqual(listed.inputSchema, toolJsonSchema(tool));
      assert.equal(listed.annotations?.readOnlyHint, tool.effect === 'read', tool.name);
    }
    assert.ok(tools.some((t) => t.name === 'load_profile'));
    await client.close();
  });

  it('list_profiles reports the loaded profile with its real sample count and total', async () => {
    const facts = snapshotFacts('buildReport');
    const client = await connect(false);
    const r = (await client.callTool({ name: 'list_profiles', arguments: {} })) as CallResult;
    assert.equal(r.isError, undefined, textOf(r));
    const [entry] = (r.structuredContent as { result: { id: string; format: string; threads: { sampleCount: number; totalWeight: number; unit: string }[] }[] }).result;
    assert.equal(entry.id, 'node-cpu-prof.cpuprofile');
    assert.equal(entry.format, 'cpuprofile');
    assert.deepEqual(entry.threads.map((t) => [t.sampleCount, t.totalWeight, t.unit]), [[facts.samples, facts.totalWeight, 'microseconds']]);
    assert.match(textOf(r), new RegExp(`${facts.samples} samples, total ${facts.totalWeight} microseconds`));
    await client.close();
  });

  it('get_hotspots ranks buildReport first with the snapshot numbers, mapped to busy.js:15', async () => {
    const client = await connect(false);
    await expectHotspots(client);
    assert.match(fs.readFileSync(path.join(ws, 'busy.js'), 'utf8').split('\n')[14], /^function buildReport\(/);
    await client.close();
  });

  it('answers invalid arguments with an isError result that says what was wrong', async () => {
    const client = await connect(false);
    const r = (await client.callTool({ name: 'get_hotspots', arguments: { top: 0, by: 'speed' } })) as CallResult;
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^Invalid arguments for get_hotspots: /);
    assert.match(textOf(r), /top: /);
    assert.match(textOf(r), /by: /);
    assert.equal(r.structuredContent, undefined);
    const unknownProfile = (await client.callTool({ name: 'get_hotspots', arguments: { profile: 'nope' } })) as CallResult;
    assert.equal(unknownProfile.isError, true);
    assert.equal(textOf(unknownProfile), 'Unknown profile id "nope"; known: node-cpu-prof.cpuprofile.');
    await assert.rejects(client.callTool({ name: 'get_hotpots', arguments: {} }), /Unknown tool "get_hotpots"; available: list_profiles, load_profile/);
    await client.close();
  });

  it('refuses run_benchmark without --allow-execute and runs it with', async () => {
    const args = { bench: 'node bench.js', patch: '--- a/busy.js\n+++ b/busy.js\n' };
    const safe = await connect(false);
    const refused = (await safe.callTool({ name: 'run_benchmark', arguments: args })) as CallResult;
    assert.equal(refused.isError, true);
    assert.match(textOf(refused), /^run_benchmark executes commands, which this Hotpath MCP server refuses by default\..*hotpath mcp --allow-execute/);
    assert.equal(benchmarks.length, 0);
    await safe.close();

    const allowed = await connect(true);
    const r = (await allowed.callTool({ name: 'run_benchmark', arguments: args })) as CallResult;
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal(benchmarks.length, 1);
    assert.deepEqual([benchmarks[0].repoDir, benchmarks[0].bench, benchmarks[0].maxRuns], [ws, 'node bench.js', 20]);
    assert.match(textOf(r), /^faster: median 100\.0 ms → 80\.0 ms \(-20\.0%, 95% CI -25\.0% … -15\.0%/);
    assert.equal((r.structuredContent as { verdict: string }).verdict, 'faster');
    await allowed.close();
  });

  it('load_profile adds a workspace profile that the other tools then read by id', async () => {
    const facts = snapshotFacts('slugify');
    const client = await connect(false);
    const loaded = (await client.callTool({ name: 'load_profile', arguments: { path: 'profiles/second.cpuprofile', id: 'after' } })) as CallResult;
    assert.equal(loaded.isError, undefined, textOf(loaded));
    assert.equal((loaded.structuredContent as { id: string }).id, 'after');
    assert.match(textOf(loaded), new RegExp(`^Loaded profiles/second\\.cpuprofile \\(cpuprofile\\) as profile id "after"\\.\\n- thread 0 "CPU profile": ${facts.samples} samples`));
    const listed = (await client.callTool({ name: 'list_profiles', arguments: {} })) as CallResult;
    assert.deepEqual((listed.structuredContent as { result: { id: string }[] }).result.map((e) => e.id), ['node-cpu-prof.cpuprofile', 'after']);
    const hot = (await client.callTool({ name: 'get_hotspots', arguments: { profile: 'after', top: 10 } })) as CallResult;
    const slugify = (hot.structuredContent as { functions: { name: string; self: number; total: number }[] }).functions.find((f) => f.name === 'slugify');
    assert.deepEqual(slugify && [slugify.self, slugify.total], [facts.self, facts.total]);

    const outside = (await client.callTool({ name: 'load_profile', arguments: { path: '../elsewhere.cpuprofile' } })) as CallResult;
    assert.equal(outside.isError, true);
    assert.match(textOf(outside), /is outside the workspace/);
    const notProfile = (await client.callTool({ name: 'load_profile', arguments: { path: 'busy.js' } })) as CallResult;
    assert.equal(notProfile.isError, true);
    assert.match(textOf(notProfile), /^Cannot load "busy\.js" as a profile: /);
    const missing = (await client.callTool({ name: 'load_profile', arguments: { path: 'profiles/none.cpuprofile' } })) as CallResult;
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /^Cannot load "profiles\/none\.cpuprofile" as a profile: file not found\./);
    await client.close();
  });
});

describe('mcp: hotpath mcp over stdio (the bundled binary)', function () {
  this.timeout(60000);
  let dir: string;
  let cliJs: string;
  let ws: string;
  const env = () => ({ ...(process.env as Record<string, string>), HOTPATH_DEBUG: '' });

  before(async () => {
    // Built like esbuild.mjs builds dist/cli.js and the whole CLI it hands `mcp` to
    // (dist/cli-full.js), into a temporary copy of the package layout (the bundle finds
    // skills/ next to package.json) so the test never races a build of dist/.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-mcp-bundle-'));
    for (const name of ['package.json', 'skills', 'node_modules']) fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
    cliJs = path.join(dir, 'dist', 'cli.js');
    const common = {
      bundle: true,
      platform: 'node' as const,
      target: 'node20',
      format: 'cjs' as const,
      logLevel: 'silent' as const,
      external: ['vscode', 'better-sqlite3', '@datadog/pprof', '@pyroscope/nodejs', 'web-tree-sitter'],
    };
    await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'src/cli/entry.ts')], outfile: cliJs });
    await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: path.join(dir, 'dist', 'cli-full.js') });
    ws = makeWorkspace();
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('serves the SDK client: tools, real hotspots, isError for bad input, refusal of run_benchmark', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliJs, 'mcp', '--workspace', ws, '--profile', CPUPROFILE], env: env(), stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const protocolErrors: Error[] = [];
    const client = new Client({ name: 'hotpath-test', version: '1.0.0' });
    client.onerror = (e) => protocolErrors.push(e);
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => [t.name, t.inputSchema]), allTools.map((t) => [t.name, toolJsonSchema(t)]));
      const profiles = (await client.callTool({ name: 'list_profiles', arguments: {} })) as CallResult;
      assert.match(textOf(profiles), new RegExp(`${snapshotFacts('main').samples} samples`));
      await expectHotspots(client);
      const bad = (await client.callTool({ name: 'read_file', arguments: { path: 42 } })) as CallResult;
      assert.equal(bad.isError, true);
      assert.match(textOf(bad), /^Invalid arguments for read_file: path: /);
      const refused = (await client.callTool({ name: 'run_benchmark', arguments: { bench: 'node -e 1', patch: 'x' } })) as CallResult;
      assert.equal(refused.isError, true);
      assert.match(textOf(refused), /--allow-execute/);
    } finally {
      await client.close();
    }
    assert.deepEqual(protocolErrors, []);
    assert.match(stderr, /hotpath mcp: serving \d+ tools on stdio; workspace .*; profiles: node-cpu-prof\.cpuprofile; run_benchmark refused \(start with --allow-execute to allow\)/);
    assert.match(stderr, /hotpath mcp: refused run_benchmark/);
  });

  it('writes only protocol messages to stdout and exits 0 when the client closes stdin', async () => {
    const child = spawn(process.execPath, [cliJs, 'mcp', '--workspace', ws], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The initialize answer is in: end the session the way clients do.
      if (stdout.includes('\n')) child.stdin.end();
    });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } })}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
    const messages = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: number; result: { serverInfo: { name: string }; capabilities: Record<string, unknown> } });
    assert.equal(messages.length, 1);
    assert.equal(messages[0].id, 1);
    assert.equal(messages[0].result.serverInfo.name, 'hotpath');
    assert.ok('tools' in messages[0].result.capabilities);
  });

  it('rejects a stray argument with one line on stderr and exit 2', async () => {
    const child = spawn(process.execPath, [cliJs, 'mcp', 'app.cpuprofile'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.equal(err, 'hotpath: unexpected argument "app.cpuprofile"; profiles are given with --profile FILE\n');
  });
});
