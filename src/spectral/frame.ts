/**
 * Framing and overlap-add, an adjoint pair, and the Hann windows.
 * frame(x)[t, i] = x[t·hop + i − padLeft] (zero outside x); overlapAdd is its transpose.
 */
import { checkBoolean, checkSize, fail, optionKeys, readOptions } from '../core/errors.ts';
import { frames, readLayout, type Frames, type Layout } from '../core/frames.ts';

/**
 * Hann window of length n: periodic (default, TF/DDSP: w[i] = ½ − ½cos(2πi/n)) or symmetric
 * (w[i] = ½ − ½cos(2πi/(n − 1))).
 * @example hannWindow(4) // [0, 0.5, 1, 0.5]
 */
export function hannWindow(n: number, opts: { periodic?: boolean } = {}): Float64Array {
  checkSize('hannWindow', 'n', n, 1);
  const { periodic = true } = readOptions('hannWindow', opts, ['periodic']);
  checkBoolean('hannWindow', 'opts.periodic', periodic);
  const d = periodic ? n : n - 1;
  const w = new Float64Array(n);
  if (d === 0) {
    w[0] = 1;
    return w;
  }
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / d);
  return w;
}

export interface FrameOptions {
  /** Zero-pad the end so that every sample starts a hop: ⌈N/hop⌉ frames (TF pad_end). Default false. */
  padEnd?: boolean;
  /** Zeros before the first sample (e.g. frameSize/2 for centred frames). Default 0. */
  padLeft?: number;
}

/** Number of frames (and the padding used) for a signal of length N. */
const FRAME_KEYS = optionKeys<FrameOptions>()('padEnd', 'padLeft');

export function frameCount(fn: string, N: number, frameSize: number, hop: number, opts: FrameOptions = {}): number {
  const { padEnd = false, padLeft = 0 } = readOptions(fn, opts, FRAME_KEYS);
  checkSize(fn, 'N', N, 0);
  checkSize(fn, 'frameSize', frameSize, 1);
  checkSize(fn, 'hop', hop, 1);
  checkSize(fn, 'opts.padLeft', padLeft, 0);
  checkBoolean(fn, 'opts.padEnd', padEnd);
  const L = N + padLeft;
  if (padEnd) {
    const n = Math.ceil(L / hop);
    if (n * frameSize > 2 ** 30) fail(fn, `${n} frames of frameSize ${frameSize} exceed the 2^30 values this library will allocate`);
    return n;
  }
  if (L < frameSize) fail(fn, `the signal (${N} samples${padLeft ? ` + ${padLeft} padding` : ''}) is shorter than one frame of ${frameSize}; use padEnd or a shorter frame`);
  const n = 1 + Math.floor((L - frameSize) / hop);
  if (n * frameSize > 2 ** 30) fail(fn, `${n} frames of frameSize ${frameSize} exceed the 2^30 values this library will allocate`);
  return n;
}

/**
 * Cut x into frames [nFrames, frameSize] with the given hop.
 * @example frame(Float64Array.of(1, 2, 3, 4), 2, 1).data // [1, 2, 2, 3, 3, 4]
 */
export function frame(x: Float64Array, frameSize: number, hop: number, opts: FrameOptions = {}): Frames {
  const xs = readLayout('frame', 'x', x).data;
  const nF = frameCount('frame', xs.length, frameSize, hop, opts);
  const padLeft = opts?.padLeft ?? 0;
  const out = new Float64Array(nF * frameSize);
  for (let t = 0; t < nF; t++) {
    const s = t * hop - padLeft;
    const lo = Math.max(0, -s);
    const hi = Math.min(frameSize, xs.length - s);
    for (let i = lo; i < hi; i++) out[t * frameSize + i] = xs[s + i];
  }
  return frames(out, nF, frameSize);
}

/** VJP (= adjoint) of {@link frame}: overlap-add the frame cotangents back onto x's samples. */
export function frameVjp(g: Frames, x: Float64Array, frameSize: number, hop: number, opts: FrameOptions = {}): Float64Array {
  const n = readLayout('frameVjp', 'x', x).data.length;
  const nF = frameCount('frameVjp', n, frameSize, hop, opts);
  const G = readLayout('frameVjp', 'g', g);
  if (!G.shaped || G.n !== nF || G.c !== frameSize) {
    fail('frameVjp', `g must be frames [${nF}, ${frameSize}] (got ${G.shaped ? `[${G.n}, ${G.c}]` : `a 1-D array of ${G.n}`})`);
  }
  return overlapAddImpl('frameVjp', G, hop, { length: n, padLeft: opts?.padLeft ?? 0 });
}

export interface OverlapAddOptions {
  /** Output length (default: (F − 1)·hop + frameSize − padLeft). Samples beyond it are dropped. */
  length?: number;
  /** Samples dropped from the start. Default 0. */
  padLeft?: number;
}

/**
 * Overlap-add frames [F, S] with hop: y[t·hop + i − padLeft] += frames[t, i].
 * @example overlapAdd(frames(Float64Array.of(1, 1, 1, 1), 2, 2), 1) // [1, 2, 1]
 */
export function overlapAdd(fr: Frames, hop: number, opts: OverlapAddOptions = {}): Float64Array {
  const L = readLayout('overlapAdd', 'frames', fr);
  if (!L.shaped) fail('overlapAdd', 'frames must be an ndarray [nFrames, frameSize]');
  return overlapAddImpl('overlapAdd', L, hop, opts);
}

const OLA_KEYS = optionKeys<OverlapAddOptions>()('length', 'padLeft');

function overlapAddImpl(fn: string, L: Layout, hop: number, opts: OverlapAddOptions): Float64Array {
  checkSize(fn, 'hop', hop, 1);
  const { padLeft = 0 } = readOptions(fn, opts, OLA_KEYS);
  checkSize(fn, 'opts.padLeft', padLeft, 0);
  const S = L.c;
  const length = opts.length ?? Math.max(0, (L.n - 1) * hop + S - padLeft);
  checkSize(fn, 'opts.length', length, 0);
  const out = new Float64Array(length);
  const d = L.data;
  for (let t = 0; t < L.n; t++) {
    const s = t * hop - padLeft;
    const lo = Math.max(0, -s);
    const hi = Math.min(S, length - s);
    for (let i = lo; i < hi; i++) out[s + i] += d[t * S + i];
  }
  return out;
}

/** VJP (= adjoint) of {@link overlapAdd}: frame the cotangent. */
export function overlapAddVjp(g: Float64Array, fr: Frames, hop: number, opts: OverlapAddOptions = {}): Frames {
  const L = readLayout('overlapAddVjp', 'frames', fr);
  if (!L.shaped) fail('overlapAddVjp', 'frames must be an ndarray [nFrames, frameSize]');
  checkSize('overlapAddVjp', 'hop', hop, 1);
  const gs = readLayout('overlapAddVjp', 'g', g).data;
  const S = L.c;
  const { padLeft = 0 } = readOptions('overlapAddVjp', opts, OLA_KEYS);
  checkSize('overlapAddVjp', 'opts.padLeft', padLeft, 0);
  if (opts?.length !== undefined) checkSize('overlapAddVjp', 'opts.length', opts.length, 0);
  const length = opts.length ?? Math.max(0, (L.n - 1) * hop + S - padLeft);
  if (gs.length !== length) fail('overlapAddVjp', `g must have the output's length ${length} (got ${gs.length})`);
  const out = new Float64Array(L.n * S);
  for (let t = 0; t < L.n; t++) {
    const s = t * hop - padLeft;
    const lo = Math.max(0, -s);
    const hi = Math.min(S, gs.length - s);
    for (let i = lo; i < hi; i++) out[t * S + i] = gs[s + i];
  }
  return frames(out, L.n, S);
}
