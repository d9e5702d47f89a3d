import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as zlib from 'node:zlib';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { StreamedProfile, ThreadTables, geckoImporter } from '../../../src/core/profile/importers/gecko';
import { inputFromBytes } from '../../../src/core/profile/input';
import { streamJson } from '../../../src/core/profile/json/read';
import { importProfileBytes } from '../../../src/core/profile/importers/index';
import type { Profile } from '../../../src/core/profile/model';
import { FIXTURES, assertClose, checkImport, chunkedInput, foldedSnapshot } from './support';

const DIR = path.join(FIXTURES, 'gecko');
const fixture = (name: string) => path.join(DIR, name);

function weightOf(p: Profile, stackSuffix: RegExp): number {
  let total = 0;
  for (const line of foldedSnapshot(p).split('\n').slice(1)) {
    const at = line.lastIndexOf(' ');
    if (at > 0 && stackSuffix.test(line.slice(0, at))) total += Number(line.slice(at + 1));
  }
  return total;
}

/** A small profile in the processed format of profiler.firefox.com (version 58 layout). */
function processedProfile() {
  return {
    meta: { interval: 1, startTime: 0, preprocessedProfileVersion: 58, product: 'Firefox', categories: [] },
    libs: [],
    shared: {
      stringArray: ['main', 'work', 'memcpy', 'app.js', 'libc.so.6', 'https://example.com'],
      sources: { length: 1, uuid: [null], filename: [3] },
    },
    threads: [
      {
        name: 'GeckoMain',
        processName: 'Isolated Web Content',
        pid: '42',
        tid: 42,
        samples: { length: 5, weightType: 'samples', weight: null, stack: [0, 1, 1, 2, null], timeDeltas: [0, 1, 1, 2, 1] },
        stackTable: { length: 3, frame: [0, 1, 2], prefix: [null, 0, 1] },
        frameTable: { length: 3, func: [0, 1, 2], line: [10, 22, null], column: [null, null, null] },
        funcTable: {
          length: 3,
          name: [0, 1, 2],
          isJS: [true, true, false],
          relevantForJS: [false, false, false],
          resource: [0, 0, 1],
          source: [0, 0, null],
          lineNumber: [1, 20, null],
          columnNumber: [5, 3, null],
        },
        resourceTable: { length: 2, lib: [null, 0], name: [5, 4], host: [null, null], type: [2, 1] },
      },
    ],
  };
}

async function importError(json: unknown): Promise<ProfileImportError> {
  try {
    await importProfileBytes(Buffer.from(JSON.stringify(json)), 'bad.json');
  } catch (e) {
    assert.ok(e instanceof ProfileImportError, `expected ProfileImportError, got ${String(e)}`);
    return e;
  }
  assert.fail('import should have failed');
}

describe('Firefox (Gecko) importer', () => {
  // Totals are the totalWeight of the root frames in speedscope's reference snapshot
  // (_reference_snapshots/firefox.test.ts.snap): "a" 31.992820999992546 (Firefox 59),
  // "main" 11.149112000013702 (recursion, Firefox 61), "alpha" 26.983816999942064 (Firefox 63).

  it('lets go of a thread\'s string table and tables once read: nothing else holds them', async () => {
    // The import releases each phase's tables so the garbage collector can take them before
    // the next phase allocates; a reference left anywhere (as the streamed thread once kept
    // its string table) holds them to the end. A raw thread whose samples come first (as
    // Firefox writes them) never keeps its strings; with the string table first, it does.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // A DevTools recording: the Gecko profile is its "profile".
    const doc = JSON.parse(fs.readFileSync(fixture('firefox-59-simple.json'), 'utf8')) as { profile: { threads: Record<string, unknown>[] } };
    const threads = doc.profile.threads;
    const first = threads.findIndex((t) => Array.isArray(t.stringTable));
    const { stringTable, ...rest } = threads[first];
    for (const order of ['as written', 'strings first']) {
      if (order === 'strings first') threads[first] = { stringTable, ...rest };
      const input = inputFromBytes(Buffer.from(JSON.stringify(doc)));
      const root = new StreamedProfile(input);
      await streamJson(input, 'gecko', root.handler());
      const thread = (root.document()!.threads as Record<string, unknown>[])[first];
      const tables = new ThreadTables(thread, (m) => assert.fail(m));
      assert.equal(order === 'as written' ? thread.stringTable : tables.streamed!.locations, undefined, `${order}: strings kept twice`);
      // A FinalizationRegistry, not WeakRefs: a WeakRef keeps its target alive until Node next
      // clears V8's kept objects, which may be later than a turn of the event loop.
      const collected = new Set<string>();
      const registry = new FinalizationRegistry<string>((what) => collected.add(what));
      registry.register(order === 'as written' ? tables.streamed!.locations! : (thread.stringTable as unknown[]), 'the string table');
      registry.register(tables.streamed!.tables.get('stackTable')!, 'the stack table');
      tables.release('stringTable', 'stackTable');
      for (let turn = 0; turn < 50 && collected.size < 2; turn++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.deepEqual([...collected].sort(), ['the stack table', 'the string table'], `${order}: still referenced`);
      assert.ok(tables.open('samples').length > 0, `${order}: the tables not released stay readable`);
    }
  });
  it('imports a Firefox 59 DevTools recording like speedscope', async () => {
    const set = await checkImport(fixture('firefox-59-simple.json'), {
      format: 'gecko',
      totals: [31.992820999992546],
      names: ['GeckoMain'],
      units: ['milliseconds'],
    });
    const p = set.profiles[0];
    // speedscope's frames: b 20.971447000018088, c 11.021373999974458.
    assertClose(weightOf(p, /;b \([^;]*\);d \([^;]*\)$/), 20.971447000018088, 'a;b;d');
    assertClose(weightOf(p, /;c \([^;]*\);d \([^;]*\)$/), 11.021373999974458, 'a;c;d');
    assert.deepEqual(p.frames[0], { name: 'a', file: 'file:///Users/jlfwong/code/speedscope/sample/simple.js', line: 1 });
  });

  it('imports recursion (Firefox 61) like speedscope', async () => {
    const set = await checkImport(fixture('firefox-61-recursion.json'), { format: 'gecko', totals: [11.149112000013702] });
    const p = set.profiles[0];
    // speedscope: main self 1.1944820000207983, gamma self 9.954629999992903.
    assertClose(weightOf(p, /^main \([^;]*\)$/), 1.1944820000207983, 'main self');
    assertClose(weightOf(p, /gamma \([^;]*\)$/), 9.954629999992903, 'gamma self');
    assert.ok(foldedSnapshot(p).includes('main (file:///Users/jlfwong/code/speedscope/sample/programs/javascript/recursion.js:31);alpha'));
  });

  it('imports Firefox 63 with columns and without self-hosted frames', async () => {
    const set = await checkImport(fixture('firefox-63-simple.json'), { format: 'gecko', totals: [26.983816999942064] });
    const p = set.profiles[0];
    // speedscope: alpha col 15 (0-based 14 in the file), beta col 14.
    assert.deepEqual(p.frames.find((f) => f.name === 'alpha'), { name: 'alpha', file: 'http://localhost:8000/simple.js', line: 1, column: 15 });
    assert.equal(p.frames.find((f) => f.name === 'beta')!.column, 14);
    assert.ok(p.frames.every((f) => !f.file!.startsWith('resource:') && !f.file!.startsWith('self-hosted')));
  });

  it('imports a larger gzipped Firefox 59 session (speedscope profiling itself)', async () => {
    const set = await checkImport(fixture('firefox-59-speedscope-session.json.gz'), { format: 'gecko', names: ['GeckoMain'] });
    assert.ok(set.profiles[0].frames.some((f) => f.name === 'loadFromString'));
  });

  it('imports a live Firefox 153 capture: one profile per sampled thread, 1-based columns', async () => {
    // MOZ_PROFILER_STARTUP=1 MOZ_PROFILER_STARTUP_FEATURES=js MOZ_PROFILER_STARTUP_FILTERS=GeckoMain
    // MOZ_PROFILER_SHUTDOWN=out.json firefox-esr --headless --screenshot shot.png firefox-153-headless.page.html
    const set = await checkImport(fixture('firefox-153-headless.json.gz'), { format: 'gecko' });
    assert.ok(set.profiles.length >= 2, 'parent and content processes');
    assert.equal(new Set(set.profiles.map((p) => p.name)).size, set.profiles.length, 'thread names are unique');
    const page = set.profiles.find((p) => p.frames.some((f) => f.name === 'heavy'))!;
    assert.match(page.name, /^GeckoMain \(.*pid \d+\)$/);
    // In page.html, `function heavy() {` is on line 3 and its "(" is in column 15.
    assert.deepEqual(page.frames.find((f) => f.name === 'heavy'), { name: 'heavy', file: 'file:///tmp/h8/ff/page.html', line: 3, column: 15 });
    const heavy = weightOf(page, /;heavy \([^;]*\);leaf \([^;]*\)$/);
    const light = weightOf(page, /;light \([^;]*\);leaf \([^;]*\)$/);
    // heavy() loops three times as long as light(); the run lasted about 400 ms.
    assert.ok(heavy / light > 2 && heavy / light < 4, `heavy/light = ${heavy / light}`);
    assert.ok(heavy + light > 300 && heavy + light < 600, `page time ${heavy + light} ms`);
    // The frame table's line column gives per-line cost: all of leaf() is its one line (2).
    const leaf = page.frames.findIndex((f) => f.name === 'leaf');
    assert.deepEqual([...page.lineSelf.get(leaf)!.keys()], [2]);
    assertClose(page.lineSelf.get(leaf)!.get(2)!, heavy + light, 'leaf line 2');
  });

  it('imports the processed format (shared strings, source table, time deltas, lines)', async () => {
    const set = await importProfileBytes(Buffer.from(JSON.stringify(processedProfile())));
    assert.equal(set.format, 'gecko');
    const p = set.profiles[0];
    assert.equal(p.name, 'GeckoMain');
    assert.equal(
      foldedSnapshot(p),
      // times 0, 1, 2, 4, 5: each sample lasts until the next; the last one (no stack) is idle.
      '# GeckoMain | unit=milliseconds | samples=4 | total=5 | stacks=3\n' +
        'main (app.js:1:5) 1\n' +
        'main (app.js:1:5);work (app.js:20:3) 3\n' +
        'main (app.js:1:5);work (app.js:20:3);memcpy 1\n',
    );
    assert.deepEqual(p.frames[2], { name: 'memcpy', module: 'libc.so.6' });
    assert.equal(p.frames[0].module, 'https://example.com');
    const work = p.frames.findIndex((f) => f.name === 'work');
    assert.deepEqual([...p.lineSelf.get(work)!], [[22, 3]]);
    assert.deepEqual([...p.lineTotal.get(work)!], [[22, 4]]);
    assert.deepEqual([...p.lineTotal.get(0)!], [[10, 5]]);
    assert.deepEqual(Array.from(p.timeline!.time), [0, 1, 2, 4]);
  });

  it('imports older processed threads with their own strings and explicit weights', async () => {
    const profile = processedProfile();
    const thread = profile.threads[0] as Record<string, unknown>;
    thread.stringArray = profile.shared.stringArray;
    delete (profile as { shared?: unknown }).shared;
    thread.funcTable = { ...(thread.funcTable as object), fileName: [3, 3, null], source: undefined };
    thread.samples = { length: 3, weightType: 'tracing-ms', weight: [5, 7, 1], stack: [0, 1, 2], time: [0, 5, 12] };
    const p = (await importProfileBytes(Buffer.from(JSON.stringify(profile)))).profiles[0];
    assert.equal(p.totalWeight, 13);
    assert.equal(p.frames[0].file, 'app.js');
  });

  it('sniffs Gecko profiles and nothing else', () => {
    const sniff = (text: string) => geckoImporter.sniff(Buffer.from(text), text);
    for (const name of ['firefox-59-simple.json', 'firefox-61-recursion.json', 'firefox-63-simple.json']) {
      const head = fs.readFileSync(fixture(name)).subarray(0, 65536).toString('utf8');
      assert.ok(sniff(head), name);
    }
    assert.ok(sniff(JSON.stringify(processedProfile())));
    assert.ok(sniff('{"libs":[],"meta":{"version":34,"startTime":1,"interval":1,"stackwalk":0},"threads":[]}'));
    assert.ok(!sniff('{"traceEvents":[{"name":"Profile","args":{"data":{"meta":{}}}}]}'));
    assert.ok(!sniff('{"nodes":[{"id":1,"callFrame":{"functionName":"stackTable"}}],"startTime":0}'));
    assert.ok(!sniff('{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"frames":[]}}'));
  });

  describe('bad input', () => {
    it('names the thread and the bad reference', async () => {
      const profile = processedProfile();
      profile.threads[0].samples.stack[1] = 9;
      assert.equal((await importError(profile)).message, 'thread 0 (GeckoMain): sample 1 refers to stack 9, but stackTable has 3 entries');
      const prefix = processedProfile();
      prefix.threads[0].stackTable.prefix = [null, 2, 1];
      assert.equal((await importError(prefix)).message, 'thread 0 (GeckoMain): stackTable row 1 has prefix 2, expected an earlier row');
      const func = processedProfile();
      func.threads[0].frameTable.func[2] = 7;
      assert.equal((await importError(func)).message, 'thread 0 (GeckoMain): frameTable row 2 refers to func 7, but funcTable has 3 entries');
    });

    it('rejects unknown strings, missing times and time going backwards', async () => {
      const strings = processedProfile();
      strings.threads[0].funcTable.name[1] = 99;
      assert.equal((await importError(strings)).message, 'thread 0 (GeckoMain): funcTable row 1 refers to string 99, but the string table has 6 entries');
      const times = processedProfile() as { threads: { samples: Record<string, unknown> }[] };
      delete times.threads[0].samples.timeDeltas;
      assert.equal((await importError(times)).message, 'thread 0 (GeckoMain): samples have neither a "time" nor a "timeDeltas" column');
      const backwards = processedProfile();
      backwards.threads[0].samples.timeDeltas[2] = -3;
      assert.equal((await importError(backwards)).message, 'thread 0 (GeckoMain): sample 2 at -2 ms comes before sample 1 at 1 ms');
    });

    it('rejects a JSON object without threads', async () => {
      const e = await importError({ meta: { stackwalk: 0, interval: 1 } });
      assert.equal(e.format, 'gecko');
      assert.match(e.message, /^not a Gecko profile: expected an object with a "threads" array/);
    });
  });

  it('streams threads to the same result as threads that arrive as JSON strings (read whole)', async () => {
    // Older Firefox wrote each thread as a JSON string: those threads go through JSON.parse,
    // the others are streamed into typed columns. Both must give the same profiles.
    const docs: { name: string; doc: Record<string, unknown> }[] = [{ name: 'processed', doc: processedProfile() }];
    for (const f of fs.readdirSync(DIR).filter((n) => /\.json(\.gz)?$/.test(n))) {
      const bytes = fs.readFileSync(fixture(f));
      docs.push({ name: f, doc: JSON.parse((f.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8')) });
    }
    for (const { name, doc } of docs) {
      const streamed = await importProfileBytes(Buffer.from(JSON.stringify(doc)), name);
      const root = (doc.profile ?? doc) as { threads: unknown[] };
      root.threads = root.threads.map((t) => JSON.stringify(t));
      const whole = await importProfileBytes(Buffer.from(JSON.stringify(doc)), name);
      assert.equal(streamed.profiles.length, whole.profiles.length, name);
      streamed.profiles.forEach((p, i) => {
        assert.equal(p.name, whole.profiles[i].name, name);
        assert.equal(p.totalWeight, whole.profiles[i].totalWeight, `${name} ${p.name}`);
        assert.equal(foldedSnapshot(p), foldedSnapshot(whole.profiles[i]), `${name} ${p.name}`);
        assert.deepEqual(p.lineTotal, whole.profiles[i].lineTotal, `${name} ${p.name} lines`);
      });
    }
  });

  it('reads raw tables whatever their key order, short rows and odd cells', async () => {
    // The schema after the data, a row shorter than the schema, objects and strings in
    // columns the importer does not read, and markers (skipped unread).
    const text = `{"meta":{"interval":1,"stackwalk":1},"threads":[{"name":"T","markers":{"schema":{"name":0},"data":[[1,{"x":[1,2]}]]},
      "samples":{"data":[[1,0,{"a":1}],[1,1],[0,2,"x"],[null,3]],"schema":{"stack":0,"time":1,"extra":2}},
      "stackTable":{"data":[[null,0],[0,1]],"schema":{"prefix":0,"frame":1}},
      "frameTable":{"schema":{"location":0,"optimizations":1,"line":2},"data":[[0,{"deep":[[1]]},3],[1,null]]},
      "stringTable":["main (app.js:1:1)","work (app.js:5:2)"]}]}`;
    const set = await importProfileBytes(Buffer.from(text), 'raw.json');
    const p = set.profiles[0];
    assert.equal(p.name, 'T');
    // Samples last until the next one: work 1 + 1 ms, main 1 ms; the null stack counts nothing.
    assert.equal(foldedSnapshot(p), '# T | unit=milliseconds | samples=3 | total=3 | stacks=2\nmain (app.js:1:2) 1\nmain (app.js:1:2);work (app.js:5:3) 2\n');
    assert.deepEqual([...(p.lineTotal.get(p.frames.findIndex((f) => f.name === 'main')) ?? [])], [[3, 3]]);
  });

  it('reads a raw string table from the bytes as JSON.parse does: repeats, escapes, quotes and backslashes, in any chunking', async () => {
    // Each distinct string is decoded once; one that starts like another up to an escaped
    // quote, or that has a backslash before its closing quote, must not be taken for it.
    const strings = [
      'main (app.js:1:1)',
      'work (app.js:5:2)',
      'main (app.js:1:1)',
      'q"uote (app.js:7:1)',
      'q',
      'w\\ (a\\b.js:2:3)',
      'back\\',
      'back\\" (x.js:1:1)',
      'é (ü.js:3:1)',
      'native_frame',
      'work (app.js:5:2)',
      'q"uote (app.js:7:1)',
    ];
    const frames = strings.map((_, i) => `[${i},${i + 1}]`).join(',');
    const stacks = strings.map((_, i) => `[${i === 0 ? 'null' : i - 1},${i}]`).join(',');
    const samples = strings.map((_, i) => `[${i},${i}]`).join(',') + `,[0,${strings.length}]`;
    const text = `{"meta":{"interval":1,"stackwalk":1},"threads":[{"name":"T",
      "samples":{"schema":{"stack":0,"time":1},"data":[${samples}]},
      "stackTable":{"schema":{"prefix":0,"frame":1},"data":[${stacks}]},
      "frameTable":{"schema":{"location":0,"line":1},"data":[${frames}]},
      "stringTable":${JSON.stringify(strings)}}]}`;
    const doc = JSON.parse(text);
    doc.threads = doc.threads.map((t: unknown) => JSON.stringify(t));
    const whole = (await importProfileBytes(Buffer.from(JSON.stringify(doc)), 'whole.json')).profiles[0];
    const expected = foldedSnapshot(whole);
    const names = whole.frames.map((f) => f.name);
    for (const name of ['q"uote', 'w\\', 'back\\"', 'é']) assert.ok(names.includes(name), `${name} in ${JSON.stringify(names)}`);
    for (const size of [1, 2, 5, 17, 64, text.length]) {
      const p = (await geckoImporter.import(chunkedInput(Buffer.from(text), size))).profiles[0];
      assert.equal(foldedSnapshot(p), expected, `chunks of ${size}`);
      assert.deepEqual(p.lineTotal, whole.lineTotal, `chunks of ${size}: lines`);
    }
  });

  it('keeps every number a column holds: integers, the 32-bit extremes, fractions and beyond 32 bits', async () => {
    // Columns hold 32-bit integers until another value arrives: here the first times are the
    // smallest 32-bit integers (one of them what an integer block stores for null), then a
    // fraction, then times past 2^31.
    const times = [-2147483648, -2147483647, -2147483646.5, 0, 2147483648, 2147483649];
    const rows = times.map((t, i) => `[${i % 2},${t}]`).join(',');
    const text = `{"meta":{"interval":1,"stackwalk":1},"threads":[{"name":"T",
      "samples":{"schema":{"stack":0,"time":1},"data":[${rows}]},
      "stackTable":{"schema":{"prefix":0,"frame":1},"data":[[null,0],[0,1]]},
      "frameTable":{"schema":{"location":0,"line":1},"data":[[0,2147483647],[1,null]]},
      "stringTable":["main (app.js:1:1)","work (app.js:5:2)"]}]}`;
    const p = (await importProfileBytes(Buffer.from(text), 'extremes.json')).profiles[0];
    // Each sample lasts until the next, at most ten intervals.
    assert.equal(p.totalWeight, 1 + 0.5 + 10 + 10 + 1);
    assert.deepEqual([...p.timeline!.time], [0, 1, 1.5, 2147483648, 4294967296]);
    assert.equal(p.endTime, 4294967297);
    assert.deepEqual([...(p.lineTotal.get(p.frames.findIndex((f) => f.name === 'main')) ?? [])], [[2147483647, 22.5]]);
    // A null before a fraction in the same column stays null.
    const weighted = processedProfile();
    Object.assign(weighted.threads[0].samples, { weightType: 'tracing-ms', weight: [1, null, 2.5, 1, 1] });
    assert.equal((await importError(weighted)).message, 'thread 0 (GeckoMain): sample 1 has weight null, expected a number');
  });

  it('survives truncations and byte flips of every fixture (fuzz)', async () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 3);
    const inputs = files.map((f) => ({ name: f, bytes: fs.readFileSync(fixture(f)) }));
    inputs.push({ name: 'processed.json', bytes: Buffer.from(JSON.stringify(processedProfile())) });
    let seed = 0x6ec0;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // The gzipped captures are large: truncate them (a cut gzip stream must fail cleanly) but
    // leave byte flips to the small ones.
    for (const name of fs.readdirSync(DIR).filter((f) => f.endsWith('.json.gz'))) {
      const original = fs.readFileSync(fixture(name));
      for (const fraction of [0.05, 0.5, 0.999]) {
        await assert.rejects(importProfileBytes(original.subarray(0, Math.floor(original.length * fraction)), name), ProfileImportError);
      }
    }
    for (const { name, bytes: original } of inputs) {
      const variants: Uint8Array[] = [];
      for (const fraction of [0.1, 0.33, 0.5, 0.77, 0.99]) variants.push(original.subarray(0, Math.floor(original.length * fraction)));
      for (let i = 0; i < 30; i++) {
        const copy = Uint8Array.from(original);
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        variants.push(copy);
      }
      for (const bytes of variants) {
        try {
          await importProfileBytes(bytes, name);
        } catch (e) {
          assert.ok(e instanceof ProfileImportError, `${name}: ${String(e)}`);
        }
      }
    }
  });
});
