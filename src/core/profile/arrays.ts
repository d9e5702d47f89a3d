/** Typed-array helpers shared by the builder and the importers. */

/** A copy of `a` in a new array of `size` elements (the rest zero): how the importers' tables grow. */
export function grownInt(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/** As grownInt, for 64-bit floats. */
export function grownFloat(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

/** As grownInt, for bytes. */
export function grownBytes(a: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  b.set(a);
  return b;
}
