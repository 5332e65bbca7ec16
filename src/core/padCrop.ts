/**
 * Padding and cropping along time: an adjoint pair. pad(·, before, after) with zeros is linear
 * and its adjoint is crop(·, before, after), and the other way round.
 */
import { checkNumber, checkSize, fail, optionKeys, readOptions, within } from './errors.ts';
import { readLayout, wrapLike, type Signal } from './frames.ts';

export interface PadOptions {
  /** Constant fill value. Default 0 (then pad is linear). The gradient ignores it. */
  value?: number;
}

/**
 * Pad `before` and `after` samples (frames) of a constant along time.
 * VJP: x̄ = crop(ȳ, before, after).
 * @example pad(Float64Array.of(1, 2), 1, 2) // [0, 1, 2, 0, 0]
 */
export function pad<T extends Signal>(x: T, before: number, after: number, opts: PadOptions = {}): T {
  const L = readLayout('pad', 'x', x);
  checkSize('pad', 'before', before, 0);
  checkSize('pad', 'after', after, 0);
  const { value = 0 } = readOptions('pad', opts, optionKeys<PadOptions>()('value'));
  checkNumber('pad', 'opts.value', value);
  const { c } = L;
  const n = L.n + before + after;
  const out = new Float64Array(n * c);
  if (value !== 0) out.fill(value);
  out.set(L.data, before * c);
  return wrapLike(L, out, n);
}

/** VJP of {@link pad}: crop the cotangent back to x's length. */
export function padVjp<T extends Signal>(gy: T, x: T, before: number, after: number): T {
  checkSize('padVjp', 'before', before, 0);
  checkSize('padVjp', 'after', after, 0);
  const L = readLayout('padVjp', 'x', x);
  const G = readLayout('padVjp', 'gy', gy);
  if (G.n !== L.n + before + after || G.c !== L.c) {
    fail('padVjp', `gy must have ${L.n + before + after} frames of ${L.c} channels (got ${G.n} of ${G.c})`);
  }
  return crop(gy, before, after);
}

/**
 * Remove `before` samples (frames) from the start and `after` from the end.
 * VJP: x̄ = pad(ȳ, before, after) with zeros.
 * @example crop(Float64Array.of(0, 1, 2, 0, 0), 1, 2) // [1, 2]
 */
export function crop<T extends Signal>(x: T, before: number, after: number): T {
  return cropOf('crop', x, before, after);
}

function cropOf<T extends Signal>(fn: string, x: T, before: number, after: number): T {
  const L = readLayout(fn, 'x', x);
  checkSize(fn, 'before', before, 0);
  checkSize(fn, 'after', after, 0);
  if (before + after > L.n) {
    fail(fn, `before + after must be at most the length ${L.n} (got ${before} + ${after} = ${before + after})`);
  }
  const { c } = L;
  const n = L.n - before - after;
  return wrapLike(L, L.data.slice(before * c, (before + n) * c), n);
}

/** VJP of {@link crop}: zero-pad the cotangent back to x's length. */
export function cropVjp<T extends Signal>(gy: T, x: T, before: number, after: number): T {
  return cropVjpOf('cropVjp', gy, x, before, after);
}

function cropVjpOf<T extends Signal>(fn: string, gy: T, x: T, before: number, after: number): T {
  checkSize(fn, 'before', before, 0);
  checkSize(fn, 'after', after, 0);
  const L = readLayout(fn, 'x', x);
  if (before + after > L.n) fail(fn, `before + after must be at most the length ${L.n} (got ${before} + ${after})`);
  const G = readLayout(fn, 'gy', gy);
  if (G.n !== L.n - before - after || G.c !== L.c) {
    fail(fn, `gy must have ${L.n - before - after} frames of ${L.c} channels (got ${G.n} of ${G.c})`);
  }
  return within(fn, () => pad(gy, before, after));
}

/**
 * Remove frameSize/2 (floored) samples from both ends: the inverse of centred padding.
 * @example centerCrop(Float64Array.of(0, 0, 1, 2, 0, 0), 4) // [1, 2]
 */
export function centerCrop<T extends Signal>(x: T, frameSize: number): T {
  checkSize('centerCrop', 'frameSize', frameSize, 1);
  const h = Math.floor(frameSize / 2);
  const n = readLayout('centerCrop', 'x', x).n;
  if (2 * h > n) fail('centerCrop', `x has ${n} frames, fewer than the ${2 * h} that frameSize ${frameSize} removes`);
  return cropOf('centerCrop', x, h, h);
}

/** VJP of {@link centerCrop}. */
export function centerCropVjp<T extends Signal>(gy: T, x: T, frameSize: number): T {
  checkSize('centerCropVjp', 'frameSize', frameSize, 1);
  const h = Math.floor(frameSize / 2);
  const n = readLayout('centerCropVjp', 'x', x).n;
  if (2 * h > n) fail('centerCropVjp', `x has ${n} frames, fewer than the ${2 * h} that frameSize ${frameSize} removes`);
  return cropVjpOf('centerCropVjp', gy, x, h, h);
}
