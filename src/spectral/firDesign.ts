/**
 * Frequency-sampling FIR design (DDSP `frequency_impulse_response`): linear magnitudes on B
 * evenly spaced bins from 0 to Nyquist → a zero-phase impulse response ir₀ = irfft(M) of length
 * N = 2(B − 1), multiplied by a periodic Hann window of `windowSize` laid out in zero-phase form,
 * then put in causal form: rolled by N/2 when the window fills N, otherwise cut to
 * 2·⌈windowSize/2⌉ − 1 taps exactly as DDSP slices them. The map is linear in M; its VJP is
 *   M̄[b] = (w_b/N)·Re(rfft(ḡ₀))[b],  w_b = 1 at DC and Nyquist, 2 elsewhere,
 * where ḡ₀ is the windowed cotangent put back in zero-phase order.
 */
import { checkInteger, checkSize, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout, wrapLike, type Signal } from '../core/frames.ts';
import { isPowerOfTwo, rfftInto } from './fftCore.ts';
import { cosTable, zeroPhaseIr } from './firCore.ts';

/** Re(rfft(g))[b] for b < bands (the adjoint's core), by FFT or directly. */
function realSpectrum(g: Float64Array, bands: number, n: number, spec: Float64Array, cos: Float64Array | null, out: Float64Array, off: number): void {
  if (cos === null) {
    rfftInto(g, n, spec);
    for (let b = 0; b < bands; b++) out[off + b] = spec[2 * b];
    return;
  }
  for (let b = 0; b < bands; b++) {
    let s = 0;
    for (let t = 0, idx = 0; t < n; t++, idx += b) s += g[t] * cos[idx % n];
    out[off + b] = s;
  }
}

export interface FirLayout {
  /** Zero-phase IR length 2(B − 1). */
  n: number;
  /** Causal IR length. */
  length: number;
  /** Index of the zero-lag tap in the causal IR (the filter's group delay in samples). */
  zeroLag: number;
  /** Zero-phase index read by each causal tap. */
  source: Int32Array;
  /** Window value applied to each causal tap. */
  weight: Float64Array;
}

const layouts = new Map<string, FirLayout>();

/**
 * Where each causal tap of a windowed frequency-sampling IR comes from (cached), for `nBands` ≥ 2
 * magnitudes and an integer `windowSize` (≤ 0: the whole IR).
 * The window is TF's `hann_window(ws)` as DDSP calls it (periodic=True), which is periodic only for
 * even ws: for odd ws TF's denominator is ws − 1, i.e. the symmetric window. We do the same.
 */
export function firLayout(nBands: number, windowSize = 0, fn = 'firLayout'): FirLayout {
  checkSize(fn, 'nBands (the number of magnitude bands)', nBands, 2);
  checkInteger(fn, 'opts.windowSize', windowSize, -Infinity);
  const key = `${nBands}:${windowSize}`;
  let l = layouts.get(key);
  if (l !== undefined) return l;
  const n = 2 * (nBands - 1);
  const ws = windowSize <= 0 || windowSize > n ? n : windowSize;
  const den = ws % 2 === 0 ? ws : ws - 1;
  const hann = (m: number) => (den === 0 ? 1 : 0.5 - 0.5 * Math.cos((2 * Math.PI * m) / den));
  const padding = n - ws;
  let source: Int32Array;
  let weight: Float64Array;
  let zeroLag: number;
  if (padding > 0) {
    const half = Math.floor((ws + 1) / 2);
    // Zero-phase window: index z < ws − half holds hann(half + z); z ≥ n − half holds hann(z − n + half).
    const winAt = (z: number) => (z < ws - half ? hann(half + z) : z >= n - half ? hann(z - n + half) : 0);
    const first = n - half + 2;
    const length = n - first + half + 1;
    source = new Int32Array(length);
    for (let i = 0; i < length; i++) source[i] = i < n - first ? first + i : i - (n - first);
    weight = Float64Array.from(source, winAt);
    zeroLag = n - first;
  } else {
    source = new Int32Array(n);
    for (let i = 0; i < n; i++) source[i] = (i + n / 2) % n;
    weight = Float64Array.from(source, (z) => hann((z + n / 2) % n));
    zeroLag = n / 2;
  }
  l = { n, length: source.length, zeroLag, source, weight };
  if (layouts.size > 64) layouts.clear();
  layouts.set(key, l);
  return l;
}

export interface FrequencyImpulseResponseOptions {
  /** Hann window length; ≤ 0 or > 2(B − 1) means the whole IR (DDSP). Default 0. */
  windowSize?: number;
}

const FIR_KEYS = optionKeys<FrequencyImpulseResponseOptions>()('windowSize');

function readMags(fn: string, magnitudes: unknown, opts: FrequencyImpulseResponseOptions) {
  const M = readLayout(fn, 'magnitudes', magnitudes);
  const { windowSize = 0 } = readOptions(fn, opts, FIR_KEYS);
  checkInteger(fn, 'opts.windowSize', windowSize, -Infinity);
  // A 1-D array is one frame of B bands; frames are [F, B].
  const frames = M.shaped ? M.n : 1;
  const bands = M.shaped ? M.c : M.n;
  if (bands < 2) fail(fn, `magnitudes need at least 2 frequency bands (got ${bands})`);
  return { M, frames, bands, layout: firLayout(bands, windowSize, fn) };
}

/**
 * Time-varying FIR filters from linear magnitude responses [F, B] (or one response [B]):
 * returns IRs [F, L] (or [L]), L = 2(B − 1) when the window fills the IR, else 2⌈ws/2⌉ − 1.
 * With B − 1 a power of two (65, 129, 257, … bands) the inverse DFT is an FFT; other band
 * counts use the direct cosine sum, O(N·B) per frame.
 * @example frequencyImpulseResponse(new Float64Array(65).fill(1)) // a unit impulse at tap 64
 */
export function frequencyImpulseResponse<T extends Signal>(magnitudes: T, opts: FrequencyImpulseResponseOptions = {}): T {
  const { M, frames, bands, layout } = readMags('frequencyImpulseResponse', magnitudes, opts);
  const { n, length, source, weight } = layout;
  const spec = new Float64Array(n + 2);
  const ir0 = new Float64Array(n);
  const out = new Float64Array(frames * length);
  const m = M.data;
  const cos = isPowerOfTwo(n) ? null : cosTable(n);
  for (let f = 0; f < frames; f++) {
    zeroPhaseIr(m, f * bands, bands, n, spec, cos, ir0);
    for (let i = 0; i < length; i++) out[f * length + i] = ir0[source[i]] * weight[i];
  }
  return (M.shaped ? wrapLike({ ...M, c: length }, out, frames) : out) as T;
}

/** VJP of {@link frequencyImpulseResponse} with respect to the magnitudes. */
export function frequencyImpulseResponseVjp<T extends Signal>(gIr: T, magnitudes: T, opts: FrequencyImpulseResponseOptions = {}): T {
  const { M, frames, bands, layout } = readMags('frequencyImpulseResponseVjp', magnitudes, opts);
  const { n, length, source, weight } = layout;
  const g = readLayout('frequencyImpulseResponseVjp', 'gIr', gIr).data;
  if (g.length !== frames * length) {
    fail('frequencyImpulseResponseVjp', `gIr must have ${frames}·${length} = ${frames * length} values (got ${g.length})`);
  }
  const g0 = new Float64Array(n);
  const spec = new Float64Array(n + 2);
  const out = new Float64Array(frames * bands);
  const cos = isPowerOfTwo(n) ? null : cosTable(n);
  for (let f = 0; f < frames; f++) {
    g0.fill(0);
    for (let i = 0; i < length; i++) g0[source[i]] += g[f * length + i] * weight[i];
    realSpectrum(g0, bands, n, spec, cos, out, f * bands);
    for (let b = 0; b < bands; b++) out[f * bands + b] *= (b === 0 || b === bands - 1 ? 1 : 2) / n;
  }
  return (M.shaped ? wrapLike(M, out, frames) : out) as T;
}
