/**
 * Shaped data. A 1-D signal is a plain Float64Array. Frame-rate controls `[frames, channels]`
 * (and later batches) travel as ndarrays over a Float64Array, so the shape goes with the data;
 * kernels always run on the underlying row-major typed array.
 */
import ndarray from 'ndarray';
import { checkFiniteValues, checkInteger, fail } from './errors.ts';

/** A 2-D float64 ndarray, shape `[frames, channels]`, time on axis 0. */
export type Frames = ndarray.NdArray<Float64Array>;

/** A 1-D signal or 2-D frames. */
export type Signal = Float64Array | Frames;

/**
 * Wrap `data` (row-major) as frames of shape `[nFrames, channels]`. No copy.
 * @example frames(Float64Array.of(1, 2, 3, 4), 2, 2).get(1, 0) // 3
 */
export function frames(data: Float64Array, nFrames: number, channels: number): Frames {
  if (!(data instanceof Float64Array)) fail('frames', `data must be a Float64Array (got ${typeof data})`);
  checkInteger('frames', 'nFrames', nFrames, 0);
  checkInteger('frames', 'channels', channels, 1);
  if (data.length !== nFrames * channels) {
    fail('frames', `data has ${data.length} values, expected nFrames·channels = ${nFrames}·${channels} = ${nFrames * channels}`);
  }
  return ndarray(data, [nFrames, channels]);
}

/** True for an ndarray (anything with data, shape and stride). */
export function isNdArray(x: unknown): x is ndarray.NdArray<Float64Array> {
  return typeof x === 'object' && x !== null && 'shape' in x && 'stride' in x && 'data' in x;
}

/** A signal seen as row-major `[n, c]` data. */
export interface Layout {
  readonly data: Float64Array;
  readonly n: number;
  readonly c: number;
  readonly shaped: boolean;
}

/** Copy an ndarray of any strides into a fresh row-major Float64Array. */
export function contiguous(x: ndarray.NdArray<ndarray.TypedArray>): Float64Array {
  const { shape, stride, offset, data } = x;
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  if (shape.length === 1) {
    for (let i = 0; i < shape[0]; i++) out[i] = data[offset + i * stride[0]];
  } else if (shape.length === 2) {
    const [n, c] = shape;
    for (let i = 0, k = 0; i < n; i++) for (let j = 0; j < c; j++) out[k++] = data[offset + i * stride[0] + j * stride[1]];
  } else {
    fail('contiguous', `only 1-D and 2-D ndarrays are supported (got ${shape.length}-D)`);
  }
  return out;
}

function isRowMajor(x: ndarray.NdArray<ndarray.TypedArray>): boolean {
  const { shape, stride, offset, data } = x;
  if (offset !== 0) return false;
  if (shape.length === 1) return stride[0] === 1 && data.length === shape[0];
  return stride[1] === 1 && stride[0] === shape[1] && data.length === shape[0] * shape[1];
}

/**
 * Validate a 1-D Float64Array or a 1-D/2-D float64 ndarray and view it as row-major `[n, c]`.
 * A strided view is copied once; finite values are required.
 */
export function readLayout(fn: string, arg: string, x: unknown): Layout {
  if (x instanceof Float64Array) {
    checkFiniteValues(fn, arg, x);
    return { data: x, n: x.length, c: 1, shaped: false };
  }
  if (isNdArray(x)) {
    const nd = x as ndarray.NdArray<ndarray.TypedArray>;
    if (!(nd.data instanceof Float64Array)) {
      fail(fn, `${arg} must hold a Float64Array (got ndarray over ${(nd.data as object)?.constructor?.name ?? typeof nd.data})`);
    }
    if (nd.shape.length !== 1 && nd.shape.length !== 2) {
      fail(fn, `${arg} must be 1-D [time] or 2-D [time, channels] (got shape [${nd.shape.join(', ')}])`);
    }
    const data = isRowMajor(nd) ? (nd.data as Float64Array) : contiguous(nd);
    checkFiniteValues(fn, arg, data);
    const n = nd.shape[0];
    const c = nd.shape.length === 2 ? nd.shape[1] : 1;
    if (c < 1) fail(fn, `${arg} must have at least one channel (got shape [${nd.shape.join(', ')}])`);
    return { data, n, c, shaped: true };
  }
  return fail(fn, `${arg} must be a Float64Array or a float64 ndarray [time, channels] (got ${x === null ? 'null' : typeof x})`);
}

/** Wrap row-major output data in the same kind of value the input was. */
export function wrapLike<T extends Signal>(like: Layout, data: Float64Array, n: number): T {
  return (like.shaped ? ndarray(data, [n, like.c]) : data) as T;
}
