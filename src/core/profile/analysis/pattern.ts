import { frameLabel, type Frame } from '../model';

/**
 * A frame pattern as users type it: `/regex/flags` or a plain substring (case-sensitive).
 * It is tested against the frame's label, "name (file:line)", so a pattern can pick a
 * function by name or everything in a file or folder (`node_modules`).
 */
export type FramePattern = (frame: Frame) => boolean;

export function parseFramePattern(text: string): FramePattern {
  const regex = /^\/(.+)\/([dgimsuvy]*)$/.exec(text);
  if (regex) {
    let re: RegExp;
    try {
      // Without g/y, test() keeps no state between frames.
      re = new RegExp(regex[1], regex[2].replace(/[gy]/g, ''));
    } catch (e) {
      throw new Error(`invalid frame pattern ${text}: ${(e as Error).message}`);
    }
    return (frame) => re.test(frameLabel(frame));
  }
  if (text === '') throw new Error('empty frame pattern');
  return (frame) => frameLabel(frame).includes(text);
}

/** Matches per frame index, computed once so tree walks only read a byte. */
export function matchFrames(frames: readonly Frame[], pattern: FramePattern): Uint8Array {
  const out = new Uint8Array(frames.length);
  for (let i = 0; i < frames.length; i++) if (pattern(frames[i])) out[i] = 1;
  return out;
}
