/**
 * The one message protocol between the extension host and the profile webview: one map per
 * direction, string message names, every inbound message validated with zod. Imported by
 * both sides, so it uses neither Node nor vscode.
 *
 * Profiles travel as the columnar model minus the per-line maps (the editor heat stays on
 * the host). Typed arrays survive VS Code's postMessage; plain number arrays are accepted
 * too and turned into typed arrays, so a host that JSON-encodes still works.
 */
import { z } from 'zod';
import { parseWith, type Parsed } from './messages';

const weightUnit = z.enum(['samples', 'nanoseconds', 'microseconds', 'milliseconds', 'seconds', 'bytes', 'objects', 'count']);

const int32s = z
  .union([z.custom<Int32Array>((v) => v instanceof Int32Array, 'expected an Int32Array'), z.array(z.number().int())])
  .transform((a): Int32Array => (a instanceof Int32Array ? a : Int32Array.from(a)));
const float64s = z
  .union([z.custom<Float64Array>((v) => v instanceof Float64Array, 'expected a Float64Array'), z.array(z.number())])
  .transform((a): Float64Array => (a instanceof Float64Array ? a : Float64Array.from(a)));

export const wireFrameSchema = z.object({
  name: z.string(),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  module: z.string().optional(),
});

export const wireProfileSchema = z
  .object({
    name: z.string(),
    unit: weightUnit,
    frames: z.array(wireFrameSchema),
    nodeCount: z.number().int().positive(),
    nodeFrame: int32s,
    nodeParent: int32s,
    nodeSelf: float64s,
    nodeTotal: float64s,
    sampleCount: z.number().nonnegative(),
    totalWeight: z.number().nonnegative(),
    timeline: z.object({ node: int32s, weight: float64s, time: float64s }).optional(),
  })
  .refine(
    (p) =>
      p.nodeFrame.length === p.nodeCount &&
      p.nodeParent.length === p.nodeCount &&
      p.nodeSelf.length === p.nodeCount &&
      p.nodeTotal.length === p.nodeCount,
    { message: 'node arrays must all have nodeCount entries' },
  );

export type WireProfile = z.output<typeof wireProfileSchema>;
export type WireFrame = z.output<typeof wireFrameSchema>;

/** Messages the host sends to the webview. */
export const toWebviewSchemas = {
  /** The profiles of one file; `activeIndex` is shown first. */
  'profile/load': z.object({
    type: z.literal('profile/load'),
    source: z.string(),
    format: z.string(),
    profiles: z.array(wireProfileSchema).min(1),
    activeIndex: z.number().int().nonnegative(),
  }),
  /**
   * A differential flame graph: `profile` is the union call tree weighted by the after-profile;
   * `beforeTotal` holds each node's weight in the before-profile, so the view colours nodes by
   * the change in their share of the total. `changes` are the top gains and losses.
   */
  'diff/load': z.object({
    type: z.literal('diff/load'),
    before: z.string(),
    after: z.string(),
    profile: wireProfileSchema,
    beforeTotal: float64s,
    beforeTotalWeight: z.number().nonnegative(),
    changes: z.array(
      z.object({
        name: z.string(),
        file: z.string().optional(),
        line: z.number().int().positive().optional(),
        beforePercent: z.number(),
        afterPercent: z.number(),
        delta: z.number(),
      }),
    ),
  }),
  /** The file could not be imported: one line naming the file, the format and the problem. */
  'profile/error': z.object({ type: z.literal('profile/error'), message: z.string() }),
  /** Show one function: highlight it and zoom to its heaviest occurrence. */
  'flame/focus': z.object({ type: z.literal('flame/focus'), name: z.string() }),
  /** Answer to `source/reveal` when the frame cannot be opened. */
  'source/unavailable': z.object({ type: z.literal('source/unavailable'), frame: z.number().int(), reason: z.string() }),
} as const;

/** Messages the webview sends to the host. */
export const toHostSchemas = {
  /** The script has loaded and listens; the host answers with `profile/load`. */
  ready: z.object({ type: z.literal('ready') }),
  /** A frame was drawn: how many rectangles were painted and how long it took. */
  rendered: z.object({
    type: z.literal('rendered'),
    profile: z.number().int().nonnegative(),
    rectangles: z.number().int().nonnegative(),
    ms: z.number().nonnegative(),
    /** The numbers the view shows for the profile: its header and the top row of the table by self. */
    shown: z
      .object({
        name: z.string(),
        totalWeight: z.number(),
        sampleCount: z.number().int().nonnegative(),
        unit: z.string(),
        topBySelf: z.object({ name: z.string(), self: z.number(), total: z.number() }).nullable(),
      })
      .optional(),
  }),
  /** The user clicked a frame: open its source (frame index into the profile's frames). */
  'source/reveal': z.object({
    type: z.literal('source/reveal'),
    profile: z.number().int().nonnegative(),
    frame: z.number().int().nonnegative(),
  }),
  /** "Why is this hot?" on a frame: the host asks the chat about its function, file and line. */
  'frame/why': z.object({
    type: z.literal('frame/why'),
    profile: z.number().int().nonnegative(),
    frame: z.number().int().nonnegative(),
  }),
  /** A problem inside the webview worth logging on the host. */
  'webview/error': z.object({ type: z.literal('webview/error'), message: z.string() }),
} as const;

export type ToWebview = { [K in keyof typeof toWebviewSchemas]: z.output<(typeof toWebviewSchemas)[K]> }[keyof typeof toWebviewSchemas];
export type ToHost = { [K in keyof typeof toHostSchemas]: z.output<(typeof toHostSchemas)[K]> }[keyof typeof toHostSchemas];

/** Validates a message received by the webview. */
export function parseToWebview(raw: unknown): Parsed<ToWebview> {
  return parseWith<ToWebview>(toWebviewSchemas, raw);
}

/** Validates a message received by the host. */
export function parseToHost(raw: unknown): Parsed<ToHost> {
  return parseWith<ToHost>(toHostSchemas, raw);
}
