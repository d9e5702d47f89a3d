import type { Workload } from './model';
import { FileWriter } from './writer';

/**
 * Writers of the same workload in each profile format, all streaming. Each returns the file
 * size in bytes. `samples` overrides the workload's sample count (for the very large files).
 */

const json = JSON.stringify;

/** Children of each call-tree node, for formats that list them. */
function childLists(w: Workload): number[][] {
  const children: number[][] = Array.from({ length: w.nodeCount }, () => []);
  for (let n = 1; n < w.nodeCount; n++) children[w.nodeParent[n]].push(n);
  return children;
}

/** Chrome/V8 `.cpuprofile` (node ids = call-tree node + 1). */
export function writeCpuprofile(w: Workload, path: string, samples = w.options.samples): number {
  const out = new FileWriter(path);
  const hits = new Int32Array(w.nodeCount);
  for (const s of w.sampleStream(samples)) hits[w.stackLeaf[s.stack]]++;
  const children = childLists(w);
  out.write('{"nodes":[');
  for (let n = 0; n < w.nodeCount; n++) {
    const f = n === 0 ? undefined : w.frames[w.nodeFrame[n]];
    const callFrame = f
      ? `{"functionName":${json(f.name)},"scriptId":"${1 + (w.nodeFrame[n] % 4000)}","url":${json(`file://${f.file}`)},"lineNumber":${f.line - 1},"columnNumber":${f.column - 1}}`
      : '{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1}';
    const kids = children[n].length ? `,"children":[${children[n].map((c) => c + 1).join(',')}]` : '';
    out.write(`${n ? ',' : ''}{"id":${n + 1},"callFrame":${callFrame},"hitCount":${hits[n]}${kids}}`);
  }
  let total = 0;
  out.write('],"startTime":0,"samples":[');
  let first = true;
  for (const s of w.sampleStream(samples)) {
    out.write(first ? `${w.stackLeaf[s.stack] + 1}` : `,${w.stackLeaf[s.stack] + 1}`);
    first = false;
  }
  out.write('],"timeDeltas":[');
  first = true;
  for (const s of w.sampleStream(samples)) {
    out.write(first ? `${s.delta}` : `,${s.delta}`);
    total += s.delta;
    first = false;
  }
  out.write(`],"endTime":${total}}`);
  return out.close();
}

/** Chrome trace-event JSON (object form) with a Profile event and ProfileChunk events, as DevTools records. */
export function writeTraceEvent(w: Workload, path: string): number {
  const out = new FileWriter(path);
  const ev = (rest: string) => `{"pid":1,"tid":1,"ph":"P","id":"0x1","cat":"disabled-by-default-v8.cpu_profiler",${rest}}`;
  out.write('{"traceEvents":[');
  out.write('{"pid":1,"tid":1,"ph":"M","name":"thread_name","args":{"name":"CrRendererMain"}},');
  out.write(ev('"name":"Profile","ts":0,"args":{"data":{"startTime":0}}'));
  const chunk = 10_000;
  let nodesWritten = false;
  let ts = 0;
  let samples: number[] = [];
  let deltas: number[] = [];
  const flush = () => {
    let nodes = '';
    if (!nodesWritten) {
      const parts: string[] = [];
      for (let n = 0; n < w.nodeCount; n++) {
        const f = n === 0 ? undefined : w.frames[w.nodeFrame[n]];
        const callFrame = f
          ? `{"functionName":${json(f.name)},"scriptId":${1 + (w.nodeFrame[n] % 4000)},"url":${json(`file://${f.file}`)},"lineNumber":${f.line - 1},"columnNumber":${f.column - 1}}`
          : '{"functionName":"(root)","scriptId":0}';
        parts.push(`{"callFrame":${callFrame},"id":${n + 1}${n ? `,"parent":${w.nodeParent[n] + 1}` : ''}}`);
      }
      nodes = `"nodes":[${parts.join(',')}],`;
      nodesWritten = true;
    }
    out.write(`,${ev(`"name":"ProfileChunk","ts":${ts},"args":{"data":{"cpuProfile":{${nodes}"samples":[${samples.join(',')}]},"timeDeltas":[${deltas.join(',')}]}}`)}`);
    samples = [];
    deltas = [];
  };
  for (const s of w.sampleStream()) {
    samples.push(w.stackLeaf[s.stack] + 1);
    deltas.push(s.delta);
    ts += s.delta;
    if (samples.length === chunk) flush();
  }
  if (samples.length) flush();
  out.write('],"metadata":{"source":"DevTools"}}');
  return out.close();
}

/** speedscope's file format, one sampled profile (frames root-first, weights in microseconds). */
export function writeSpeedscope(w: Workload, path: string, samples = w.options.samples): number {
  const out = new FileWriter(path);
  out.write('{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"frames":[');
  w.frames.forEach((f, i) => out.write(`${i ? ',' : ''}{"name":${json(f.name)},"file":${json(f.file)},"line":${f.line},"col":${f.column}}`));
  const stackText = Array.from({ length: w.options.stacks }, (_, s) => `[${w.stackFrames(s).join(',')}]`);
  let total = 0;
  out.write(']},"profiles":[{"type":"sampled","name":"bench","unit":"microseconds","startValue":0,"endValue":');
  for (const s of w.sampleStream(samples)) total += s.delta;
  out.write(`${total},"samples":[`);
  let first = true;
  for (const s of w.sampleStream(samples)) {
    out.write(first ? stackText[s.stack] : `,${stackText[s.stack]}`);
    first = false;
  }
  out.write('],"weights":[');
  first = true;
  for (const s of w.sampleStream(samples)) {
    out.write(first ? `${s.delta}` : `,${s.delta}`);
    first = false;
  }
  out.write(']}],"name":"bench","activeProfileIndex":0,"exporter":"hotpath bench"}');
  return out.close();
}

/** Firefox's raw Gecko format: one thread with schema/data tables and location strings. */
export function writeGecko(w: Workload, path: string): number {
  const out = new FileWriter(path);
  out.write('{"meta":{"version":24,"interval":1,"stackwalk":1,"startTime":0,"shutdownTime":null,"processType":0,"categories":[{"name":"JavaScript","color":"yellow"}]},"libs":[],');
  out.write('"threads":[{"name":"GeckoMain","processType":"default","tid":1,"pid":1,"registerTime":0,"unregisterTime":null,"markers":{"schema":{"name":0,"time":1,"data":2},"data":[]},');
  // One frameTable row and one string per call-tree node; the stack table mirrors the tree.
  out.write('"samples":{"schema":{"stack":0,"time":1,"responsiveness":2},"data":[');
  let t = 0;
  let first = true;
  for (const s of w.sampleStream()) {
    t += s.delta / 1000;
    out.write(`${first ? '' : ','}[${w.stackLeaf[s.stack] - 1},${t.toFixed(3)},0]`);
    first = false;
  }
  out.write(']},"stackTable":{"schema":{"prefix":0,"frame":1},"data":[');
  for (let n = 1; n < w.nodeCount; n++) out.write(`${n > 1 ? ',' : ''}[${w.nodeParent[n] === 0 ? 'null' : w.nodeParent[n] - 1},${n - 1}]`);
  out.write(']},"frameTable":{"schema":{"location":0,"relevantForJS":1,"implementation":2,"optimizations":3,"line":4,"column":5,"category":6},"data":[');
  for (let n = 1; n < w.nodeCount; n++) {
    const f = w.frames[w.nodeFrame[n]];
    out.write(`${n > 1 ? ',' : ''}[${n - 1},false,"baseline",null,${f.line},${f.column},0]`);
  }
  out.write(']},"stringTable":[');
  for (let n = 1; n < w.nodeCount; n++) {
    const f = w.frames[w.nodeFrame[n]];
    out.write(`${n > 1 ? ',' : ''}${json(`${f.name} (${f.file}:${f.line}:${f.column})`)}`);
  }
  out.write(']}],"processes":[]}');
  return out.close();
}

/** Collapsed stacks as stackcollapse writes them: each distinct stack once, sorted, with its count. */
export function writeCollapsed(w: Workload, path: string): number {
  const counts = new Float64Array(w.options.stacks);
  for (const s of w.sampleStream()) counts[s.stack]++;
  const out = new FileWriter(path);
  for (const s of w.sortedStacks) {
    if (counts[s] === 0) continue;
    out.write(`${w.stackFrames(s).map((f) => w.frames[f].name).join(';')} ${counts[s]}\n`);
  }
  return out.close();
}

/** Collapsed stacks one line per sample, in sample order, until the file reaches `bytes`. */
export function writeCollapsedRaw(w: Workload, path: string, bytes: number): { size: number; samples: number } {
  const lines = Array.from({ length: w.options.stacks }, (_, s) => `${w.stackFrames(s).map((f) => w.frames[f].name).join(';')} 1\n`);
  const out = new FileWriter(path);
  let size = 0;
  let samples = 0;
  while (size < bytes) {
    for (const s of w.sampleStream()) {
      out.write(lines[s.stack]);
      size += lines[s.stack].length;
      samples++;
      if (size >= bytes) break;
    }
  }
  return { size: out.close(), samples };
}

/** `perf script` output: a header line per sample, then its stack leaf-first, then a blank line. */
export function writePerfScript(w: Workload, path: string): number {
  const out = new FileWriter(path);
  out.write('# ========\n# captured on    : (generated by hotpath bench)\n# cmdline : perf record -F 999 -g ./app\n# ========\n#\n');
  const frameLine = w.frames.map((f, i) => `\t    ${(0x400000 + i * 64).toString(16)} ${f.name}+0x${(i % 200).toString(16)} (/srv/app/bin/app)\n`);
  let t = 5000;
  for (const s of w.sampleStream()) {
    t += s.delta / 1e6;
    const frames = w.stackFrames(s.stack);
    let text = `app  4242/4243  [001] ${t.toFixed(6)}:     ${s.delta * 1000} cpu-clock:ppp: \n`;
    for (let i = frames.length - 1; i >= 0; i--) text += frameLine[frames[i]];
    out.write(`${text}\n`);
  }
  return out.close();
}

/** Protobuf encoding helpers for the pprof writer. */
class Proto {
  private buf: Buffer;
  len = 0;
  constructor(size = 64) {
    this.buf = Buffer.alloc(size);
  }
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }
  varint(v: number): this {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  uint(field: number, v: number): this {
    return v === 0 ? this : this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  message(field: number, m: Proto): this {
    return this.bytes(field, m.done());
  }
  packed(field: number, values: ArrayLike<number>): this {
    const inner = new Proto();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]);
    return this.message(field, inner);
  }
  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
  reset(): void {
    this.len = 0;
  }
}

/**
 * pprof (profile.proto, uncompressed) as Go and @datadog/pprof write it: sample types
 * samples/count and cpu/nanoseconds, one sample record per sample (as when samples carry
 * labels), one location per call site, one function per frame.
 */
export function writePprof(w: Workload, path: string): number {
  const out = new FileWriter(path);
  const strings = new Map<string, number>([['', 0]]);
  const str = (s: string) => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const top = new Proto();
  top.message(1, new Proto().uint(1, str('samples')).uint(2, str('count')));
  top.message(1, new Proto().uint(1, str('cpu')).uint(2, str('nanoseconds')));
  out.writeBytes(top.done());
  const batch = new Proto(2 << 20);
  const sample = new Proto(1024);
  const locs: number[] = [];
  for (const s of w.sampleStream()) {
    locs.length = 0;
    for (let n = w.stackLeaf[s.stack]; n > 0; n = w.nodeParent[n]) locs.push(n);
    sample.reset();
    sample.packed(1, locs).packed(2, [1, s.delta * 1000]);
    batch.message(2, sample);
    if (batch.len > 1 << 20) {
      out.writeBytes(batch.done());
      batch.reset();
    }
  }
  batch.message(3, new Proto().uint(1, 1).uint(2, 0x400000).uint(3, 0x4000000).uint(5, str('/srv/app/bin/app')).uint(7, 1).uint(8, 1).uint(9, 1));
  for (let n = 1; n < w.nodeCount; n++) {
    const frame = w.nodeFrame[n];
    const line = new Proto().uint(1, frame + 1).uint(2, w.frames[frame].line + (n % 7));
    batch.message(4, new Proto().uint(1, n).uint(2, 1).uint(3, 0x400000 + n * 16).message(4, line));
    if (batch.len > 1 << 20) {
      out.writeBytes(batch.done());
      batch.reset();
    }
  }
  w.frames.forEach((f, i) => {
    batch.message(5, new Proto().uint(1, i + 1).uint(2, str(f.name)).uint(3, str(f.name)).uint(4, str(f.file)).uint(5, f.line));
    if (batch.len > 1 << 20) {
      out.writeBytes(batch.done());
      batch.reset();
    }
  });
  const periodType = new Proto().uint(1, str('cpu')).uint(2, str('nanoseconds'));
  for (const s of strings.keys()) {
    batch.bytes(6, Buffer.from(s, 'utf8'));
    if (batch.len > 1 << 20) {
      out.writeBytes(batch.done());
      batch.reset();
    }
  }
  batch.message(11, periodType).uint(12, 1_000_000);
  out.writeBytes(batch.done());
  return out.close();
}
