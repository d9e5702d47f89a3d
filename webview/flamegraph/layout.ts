/**
 * Flame graph geometry from the columnar profile: one rectangle per call-tree node (left-heavy)
 * or per run of consecutive samples sharing a frame (time-ordered). Coordinates are in weight
 * units (x, width) and rows (depth, 0 = outermost frame); the renderer maps them to pixels, so
 * zooming never recomputes the layout. Rectangles come in depth-first pre-order, a frame before
 * its callees, so every rectangle's callees are the run up to its `end`: the renderer skips a
 * whole subtree that is off screen or thinner than a pixel in one step.
 */
import type { WireProfile } from '../protocol';

export type LayoutMode = 'left-heavy' | 'time-ordered';

export interface FlameLayout {
  /** Number of rectangles. */
  count: number;
  /** Start of each rectangle, in weight units from the left edge. */
  x: Float64Array;
  /** Width of each rectangle, in weight units. */
  width: Float64Array;
  /** Row of each rectangle (0 = called by the root). */
  depth: Int32Array;
  /** Call-tree node each rectangle stands for. */
  node: Int32Array;
  /** Index just past the last rectangle nested under rectangle i (its subtree is i .. end[i]). */
  end: Int32Array;
  /** Sum of all widths on row 0: the full extent of the x axis. */
  extent: number;
  /** Number of rows. */
  rows: number;
}

/** Children of every node, in CSR form: children of n are child[start[n] .. start[n+1]). */
export function childrenOf(profile: Pick<WireProfile, 'nodeCount' | 'nodeParent'>): { start: Int32Array; child: Int32Array } {
  const n = profile.nodeCount;
  const start = new Int32Array(n + 1);
  for (let i = 1; i < n; i++) start[profile.nodeParent[i] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const child = new Int32Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) child[fill[profile.nodeParent[i]]++] = i;
  return { start, child };
}

/** Depth of every node (root = -1, its children = 0); parents precede children. */
export function depthsOf(profile: Pick<WireProfile, 'nodeCount' | 'nodeParent'>): Int32Array {
  const depth = new Int32Array(profile.nodeCount);
  depth[0] = -1;
  for (let i = 1; i < profile.nodeCount; i++) depth[i] = depth[profile.nodeParent[i]] + 1;
  return depth;
}

/**
 * Left-heavy: siblings sorted by total weight, heaviest first, so the widest paths line up on
 * the left (speedscope's "Left Heavy"). Nodes with zero total are dropped.
 */
export function leftHeavyLayout(profile: WireProfile): FlameLayout {
  const { start, child } = childrenOf(profile);
  const depths = depthsOf(profile);
  const total = profile.nodeTotal;
  const n = profile.nodeCount;
  const x = new Float64Array(n);
  const width = new Float64Array(n);
  const depth = new Int32Array(n);
  const node = new Int32Array(n);
  let count = 0;
  let rows = 0;
  const nodeX = new Float64Array(n);
  // An explicit stack (deep recursive profiles would overflow the JS call stack). Children are
  // pushed lightest first so the heaviest is emitted next: depth-first pre-order, left to right.
  const stack: number[] = [];
  const pushChildren = (parent: number) => {
    const kids = Array.from(child.subarray(start[parent], start[parent + 1])).filter((k) => total[k] > 0);
    kids.sort((a, b) => total[b] - total[a] || a - b);
    let cursor = nodeX[parent];
    for (const k of kids) {
      nodeX[k] = cursor;
      cursor += total[k];
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  };
  pushChildren(0);
  while (stack.length) {
    const k = stack.pop()!;
    x[count] = nodeX[k];
    width[count] = total[k];
    depth[count] = depths[k];
    node[count] = k;
    count++;
    if (depths[k] + 1 > rows) rows = depths[k] + 1;
    pushChildren(k);
  }
  const d = depth.slice(0, count);
  return { count, x: x.slice(0, count), width: width.slice(0, count), depth: d, node: node.slice(0, count), end: subtreeEnds(d), extent: total[0], rows };
}

/** For rectangles in pre-order with these depths: the index just past each one's subtree. */
export function subtreeEnds(depth: Int32Array): Int32Array {
  const n = depth.length;
  const end = new Int32Array(n);
  // open[k] = a rectangle whose subtree is still running, deepest last
  const open = new Int32Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    while (top > 0 && depth[open[top - 1]] >= depth[i]) end[open[--top]] = i;
    open[top++] = i;
  }
  while (top > 0) end[open[--top]] = n;
  return end;
}

/**
 * Time-ordered (a flame chart): samples in time order, consecutive samples that share a stack
 * prefix merged into one rectangle per frame. Widths are sample weights, so the x axis is
 * cumulative weight in recording order. Undefined when the profile has no timeline.
 */
export function timeOrderedLayout(profile: WireProfile): FlameLayout | undefined {
  const timeline = profile.timeline;
  if (!timeline || timeline.node.length === 0) return undefined;
  const order = Array.from({ length: timeline.node.length }, (_, i) => i);
  const time = timeline.time;
  order.sort((a, b) => time[a] - time[b] || a - b);

  const depths = depthsOf(profile);
  let cap = 1024;
  let x: Float64Array = new Float64Array(cap);
  let width: Float64Array = new Float64Array(cap);
  let depth: Int32Array = new Int32Array(cap);
  let node: Int32Array = new Int32Array(cap);
  let count = 0;
  let rows = 0;
  // open[d] = index of the rectangle currently open on row d
  const open: number[] = [];
  const openNode: number[] = [];
  const path: number[] = [];
  let cursor = 0;
  for (const i of order) {
    const w = timeline.weight[i];
    if (!(w > 0)) continue;
    path.length = 0;
    for (let n = timeline.node[i]; n > 0; n = profile.nodeParent[n]) path.push(n);
    path.reverse();
    let shared = 0;
    while (shared < path.length && shared < openNode.length && openNode[shared] === path[shared]) shared++;
    open.length = shared;
    openNode.length = shared;
    for (let d = 0; d < shared; d++) width[open[d]] += w;
    for (let d = shared; d < path.length; d++) {
      if (count === cap) {
        cap *= 2;
        x = grow(x, cap);
        width = grow(width, cap);
        depth = growInt(depth, cap);
        node = growInt(node, cap);
      }
      x[count] = cursor;
      width[count] = w;
      depth[count] = depths[path[d]];
      node[count] = path[d];
      open.push(count);
      openNode.push(path[d]);
      count++;
    }
    if (path.length > rows) rows = path.length;
    cursor += w;
  }
  const d = depth.slice(0, count);
  return { count, x: x.slice(0, count), width: width.slice(0, count), depth: d, node: node.slice(0, count), end: subtreeEnds(d), extent: cursor, rows };
}

/** The rectangle under a point given in layout units (x) and rows, or -1. */
export function hitTest(layout: FlameLayout, x: number, row: number): number {
  // Down the one path whose spans hold x: a rectangle that does not hold it skips its subtree.
  for (let i = 0; i < layout.count; ) {
    if (x >= layout.x[i] && x < layout.x[i] + layout.width[i]) {
      if (layout.depth[i] === row) return i;
      i = layout.depth[i] < row ? i + 1 : layout.end[i];
    } else i = layout.end[i];
  }
  return -1;
}

function grow(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

function growInt(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
