/**
 * Resampling along time with DDSP's exact alignment (TF1 legacy resize, half_pixel_centers off),
 * and DDSP's windowed upsampler. All are linear; their VJPs are the transposed interpolations.
 */
import {
  Tap,
  interpAdjointKernel,
  interpKernel,
  windowUpsampleAdjointKernel,
  windowUpsampleKernel,
} from '../backends/cpu/kernels.ts';
import { checkBoolean, checkOneOf, checkSize, fail, optionKeys, readOptions } from './errors.ts';
import { readLayout, wrapLike, type Layout, type Signal } from './frames.ts';

export type ResampleMethod = 'linear' | 'nearest';

export interface ResampleOptions {
  /** 'linear' (default) or 'nearest'. */
  method?: ResampleMethod;
  /**
   * true (default, DDSP): output i reads source position i·nIn/nOut, so frame k lands on
   * sample k·hop and the last frame is held for the final hop. false: the endpoints align,
   * position i·(nIn − 1)/(nOut − 1).
   */
  addEndpoint?: boolean;
}

function tapsOf(nIn: number, nOut: number, method: ResampleMethod, addEndpoint: boolean): { scale: number; mode: Tap } {
  const alignCorners = !addEndpoint;
  const scale = alignCorners ? (nOut > 1 ? (nIn - 1) / (nOut - 1) : 0) : nIn / nOut;
  const mode = method === 'linear' ? Tap.Linear : alignCorners ? Tap.NearestRound : Tap.NearestFloor;
  return { scale, mode };
}

const RESAMPLE_KEYS = optionKeys<ResampleOptions>()('method', 'addEndpoint');

function readResample(fn: string, x: unknown, nOut: unknown, opts: ResampleOptions) {
  const L = readLayout(fn, 'x', x);
  checkSize(fn, 'nOut', nOut, 1);
  if (L.n < 1) fail(fn, 'x must have at least one frame (got 0)');
  const { method = 'linear', addEndpoint = true } = readOptions(fn, opts, RESAMPLE_KEYS);
  checkOneOf(fn, 'opts.method', method, ['linear', 'nearest'] as const);
  checkBoolean(fn, 'opts.addEndpoint', addEndpoint);
  return { L, taps: tapsOf(L.n, nOut, method, addEndpoint) };
}

/**
 * Resample `x` (1-D, or frames `[T, C]` along time) to `nOut` steps, up or down, with DDSP's
 * `resample` semantics for 'linear' and 'nearest'.
 * VJP: the transpose, a scatter-add of ȳ onto the two source taps of each output.
 * @example resample(Float64Array.of(0, 1), 4) // [0, 0.5, 1, 1]
 */
export function resample<T extends Signal>(x: T, nOut: number, opts: ResampleOptions = {}): T {
  const { L, taps } = readResample('resample', x, nOut, opts);
  const out = new Float64Array(nOut * L.c);
  interpKernel(L.data, L.n, L.c, taps.scale, taps.mode, nOut, out);
  return wrapLike(L, out, nOut);
}

/** VJP of {@link resample}: ȳ has nOut frames; x̄ has x's shape. */
export function resampleVjp<T extends Signal>(gy: T, x: T, nOut: number, opts: ResampleOptions = {}): T {
  const { L, taps } = readResample('resampleVjp', x, nOut, opts);
  const g = readGy('resampleVjp', gy, nOut, L);
  const out = new Float64Array(L.data.length);
  interpAdjointKernel(g, L.n, L.c, taps.scale, taps.mode, nOut, out);
  return wrapLike(L, out, L.n);
}

function readGy(fn: string, gy: unknown, nOut: number, L: Layout): Float64Array {
  const G = readLayout(fn, 'gy', gy);
  if (G.data.length !== nOut * L.c) {
    fail(fn, `gy must have ${nOut} frames of ${L.c} channels = ${nOut * L.c} values (got ${G.data.length})`);
  }
  return G.data;
}

export interface UpsampleWithWindowsOptions {
  /** Append a copy of the last frame so it is held for the final hop (default true, as DDSP). */
  addEndpoint?: boolean;
}

const alphaCache = new Map<number, Float64Array>();

/** Crossfade weights α[t] = ½ − ½·cos(π t/hop): the rising half of a periodic Hann of length 2·hop. */
function crossfade(hop: number): Float64Array {
  let a = alphaCache.get(hop);
  if (a === undefined) {
    a = new Float64Array(hop);
    for (let t = 0; t < hop; t++) a[t] = 0.5 - 0.5 * Math.cos((Math.PI * t) / hop);
    if (alphaCache.size > 64) alphaCache.clear();
    alphaCache.set(hop, a);
  }
  return a;
}

function readUpsample(fn: string, x: unknown, nOut: unknown, opts: UpsampleWithWindowsOptions) {
  const L = readLayout(fn, 'x', x);
  checkSize(fn, 'nOut', nOut, 1);
  const { addEndpoint = true } = readOptions(fn, opts, optionKeys<UpsampleWithWindowsOptions>()('addEndpoint'));
  checkBoolean(fn, 'opts.addEndpoint', addEndpoint);
  const nFrames = L.n + (addEndpoint ? 1 : 0);
  const nIntervals = nFrames - 1;
  if (nIntervals < 1) fail(fn, `x must have at least ${addEndpoint ? 1 : 2} frames (got ${L.n})`);
  if (nFrames >= nOut) {
    fail(fn, `only upsampling is supported: nOut must exceed the ${nFrames} frames${addEndpoint ? ' (with the endpoint)' : ''} (got ${nOut})`);
  }
  if (nOut % nIntervals !== 0) {
    fail(fn, `nOut must be an integer multiple of the ${nIntervals} intervals (got ${nOut}, ratio ${(nOut / nIntervals).toFixed(4)})`);
  }
  return { L, hop: nOut / nIntervals, nIntervals, addEndpoint };
}

/**
 * DDSP's 'window' upsampler: each frame is multiplied by a periodic Hann window of length
 * 2·hop and overlap-added with hop, then hop samples are trimmed from both ends. Between frames
 * j and j+1 this is the raised-cosine crossfade y[j·hop + t] = x[j] + α[t]·(x[j+1] − x[j]),
 * α[t] = ½ − ½·cos(π t/hop); frame k sits exactly at sample k·hop. nOut must be an integer
 * multiple of the number of intervals. VJP: the transposed crossfade. Cost O(nOut·C).
 * @example upsampleWithWindows(Float64Array.of(0, 1), 4) // [0, 0.5, 1, 1]
 */
export function upsampleWithWindows<T extends Signal>(x: T, nOut: number, opts: UpsampleWithWindowsOptions = {}): T {
  const { L, hop, nIntervals, addEndpoint } = readUpsample('upsampleWithWindows', x, nOut, opts);
  const { c } = L;
  let src = L.data;
  if (addEndpoint) {
    src = new Float64Array((L.n + 1) * c);
    src.set(L.data);
    src.copyWithin(L.n * c, (L.n - 1) * c, L.n * c);
  }
  const out = new Float64Array(nOut * c);
  windowUpsampleKernel(src, c, hop, nIntervals, crossfade(hop), out);
  return wrapLike(L, out, nOut);
}

/** VJP of {@link upsampleWithWindows}. */
export function upsampleWithWindowsVjp<T extends Signal>(
  gy: T,
  x: T,
  nOut: number,
  opts: UpsampleWithWindowsOptions = {},
): T {
  const { L, hop, nIntervals, addEndpoint } = readUpsample('upsampleWithWindowsVjp', x, nOut, opts);
  const g = readGy('upsampleWithWindowsVjp', gy, nOut, L);
  const { c } = L;
  const acc = new Float64Array((nIntervals + 1) * c);
  windowUpsampleAdjointKernel(g, c, hop, nIntervals, crossfade(hop), acc);
  if (!addEndpoint) return wrapLike(L, acc, L.n);
  const out = acc.slice(0, L.n * c);
  for (let j = 0; j < c; j++) out[(L.n - 1) * c + j] += acc[L.n * c + j];
  return wrapLike(L, out, L.n);
}
