/**
 * Activations for the neural-network layers: float64 ndarrays whose last axis is channels —
 * `[frames, channels]` for one example or `[batch, frames, channels]` for a batch — seen as
 * row-major rows of channels. Row-wise layers (dense, layer norm, leaky ReLU) treat every
 * leading index as a row; the GRU reads the leading axes as batch and time.
 */
import ndarray from 'ndarray';
import { checkFiniteValues, fail } from '../core/errors.ts';
import { contiguous, isNdArray } from '../core/frames.ts';

/** A 2-D `[rows, channels]` or 3-D `[batch, frames, channels]` float64 ndarray. */
export type Tensor = ndarray.NdArray<Float64Array>;

export interface Rows {
  data: Float64Array;
  /** Number of rows (the product of the leading axes). */
  rows: number;
  /** Channels (the last axis). */
  c: number;
  shape: number[];
}

/** Validate a 2-D or 3-D float64 ndarray with finite values and view it as rows of channels. */
export function readRows(fn: string, arg: string, x: unknown): Rows {
  if (!isNdArray(x) || !((x as Tensor).data instanceof Float64Array)) {
    fail(fn, `${arg} must be a float64 ndarray [frames, channels] or [batch, frames, channels] (got ${x === null ? 'null' : x instanceof Float64Array ? 'a 1-D Float64Array; wrap it with frames(data, n, c)' : typeof x})`);
  }
  const t = x as Tensor;
  if (t.shape.length !== 2 && t.shape.length !== 3) fail(fn, `${arg} must be 2-D or 3-D (got shape [${t.shape.join(', ')}])`);
  const c = t.shape[t.shape.length - 1];
  if (c < 1) fail(fn, `${arg} must have at least one channel (got shape [${t.shape.join(', ')}])`);
  const size = t.shape.reduce((a, b) => a * b, 1);
  const dense = t.offset === 0 && t.data.length === size && isRowMajor(t);
  const data = dense ? t.data : contiguousNd(t);
  checkFiniteValues(fn, arg, data);
  return { data, rows: size / c, c, shape: t.shape.slice() };
}

function isRowMajor(t: Tensor): boolean {
  let s = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] > 1 && t.stride[i] !== s) return false;
    s *= t.shape[i];
  }
  return true;
}

function contiguousNd(t: Tensor): Float64Array {
  if (t.shape.length === 2) return contiguous(t);
  const [a, b, c] = t.shape;
  const out = new Float64Array(a * b * c);
  for (let i = 0, k = 0; i < a; i++) for (let j = 0; j < b; j++) for (let l = 0; l < c; l++) out[k++] = t.get(i, j, l);
  return out;
}

/** Wrap row-major data in the shape of `like` with its last axis set to `c`. */
export function wrapRows(like: Rows, data: Float64Array, c: number): Tensor {
  const shape = like.shape.slice();
  shape[shape.length - 1] = c;
  return ndarray(data, shape);
}

/** A weight matrix `[rows, cols]`: a 2-D float64 ndarray of exactly that shape. */
export function readMatrix(fn: string, arg: string, w: unknown, rows: number | undefined, cols: number | undefined): { data: Float64Array; rows: number; cols: number } {
  if (!isNdArray(w) || !((w as Tensor).data instanceof Float64Array) || (w as Tensor).shape.length !== 2) {
    fail(fn, `${arg} must be a 2-D float64 ndarray (got ${w === null ? 'null' : w instanceof Float64Array ? 'a 1-D Float64Array' : typeof w})`);
  }
  const t = w as Tensor;
  const [r, c] = t.shape;
  if ((rows !== undefined && r !== rows) || (cols !== undefined && c !== cols)) {
    fail(fn, `${arg} must be [${rows ?? 'any'}, ${cols ?? 'any'}] (got [${r}, ${c}])`);
  }
  const data = t.offset === 0 && t.stride[1] === 1 && t.stride[0] === c && t.data.length === r * c ? t.data : contiguous(t);
  checkFiniteValues(fn, arg, data);
  return { data, rows: r, cols: c };
}

/** A vector of exactly `n` finite values. */
export function readVector(fn: string, arg: string, v: unknown, n: number): Float64Array {
  if (!(v instanceof Float64Array)) fail(fn, `${arg} must be a Float64Array of ${n} values (got ${v === null ? 'null' : typeof v})`);
  if (v.length !== n) fail(fn, `${arg} must have ${n} values (got ${v.length})`);
  checkFiniteValues(fn, arg, v);
  return v;
}
