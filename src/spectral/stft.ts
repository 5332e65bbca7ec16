/**
 * Short-time Fourier transform with DDSP's semantics by default (tf.signal.stft): periodic Hann
 * window, hop = frameSize·(1 − overlap), FFT size = next power of two ≥ frameSize, pad_end
 * (⌈N/hop⌉ frames, zeros after the signal), no normalisation. `center: true` instead pads
 * frameSize/2 zeros on both sides and frames without end padding (librosa-style centring).
 * Spectrogram ops (magnitude, log-magnitude, power) are fused with the STFT, forward and VJP.
 *
 * STFT VJP, per frame t with cotangent Ḡ_t: x̄[t·hop + i − padLeft] += w[i]·rfftVjp(Ḡ_t)[i].
 */
import { checkBoolean, checkNumber, checkOneOf, checkPositive, checkSize, fail, optionKeys, readOptions } from '../core/errors.ts';
import { frames, readLayout, type Frames } from '../core/frames.ts';
import { irfftInto, isPowerOfTwo, nextPowerOfTwo, rfftInto } from './fftCore.ts';
import { frameCount, hannWindow } from './frame.ts';

export interface StftOptions {
  /** Frame (window) length. Default 2048. */
  frameSize?: number;
  /** Fraction of overlap between frames, hop = frameSize·(1 − overlap). Default 0.75. */
  overlap?: number;
  /** Explicit hop; overrides overlap. */
  hop?: number;
  /** FFT size, a power of two ≥ frameSize. Default: the next power of two. */
  fftSize?: number;
  /** Zero-pad the end: ⌈N/hop⌉ frames (TF pad_end). Default true; ignored when centred. */
  padEnd?: boolean;
  /** Pad frameSize/2 zeros on both sides and frame without end padding. Default false. */
  center?: boolean;
  /** 'hann' (periodic, default), 'hann-symmetric' or 'rectangular'. */
  window?: 'hann' | 'hann-symmetric' | 'rectangular';
}

/** The keys of {@link StftOptions}, checked at every public entry that takes them. */
export const STFT_KEYS = optionKeys<StftOptions>()('frameSize', 'overlap', 'hop', 'fftSize', 'padEnd', 'center', 'window');

export interface StftGeometry {
  frameSize: number;
  hop: number;
  fftSize: number;
  bins: number;
  nFrames: number;
  padLeft: number;
  window: Float64Array;
}

const windows = new Map<string, Float64Array>();

/**
 * Frame layout of an STFT of N samples under `opts` (validated, errors name `fn`). `keys` are the
 * option keys the caller accepts (default: the STFT's own).
 */
export function stftGeometry(fn: string, N: number, opts: StftOptions = {}, keys: readonly string[] = STFT_KEYS): StftGeometry {
  checkSize(fn, 'N', N, 0);
  const { frameSize = 2048, overlap = 0.75, padEnd = true, center = false, window = 'hann' } = readOptions(fn, opts, keys);
  checkSize(fn, 'opts.frameSize', frameSize, 1);
  checkNumber(fn, 'opts.overlap', overlap);
  if (!(overlap >= 0 && overlap < 1)) fail(fn, `opts.overlap must be in [0, 1) (got ${overlap})`);
  const hop = opts.hop ?? Math.floor(frameSize * (1 - overlap));
  if (opts.hop !== undefined) checkSize(fn, 'opts.hop', hop, 1);
  if (!Number.isInteger(hop) || hop < 1) fail(fn, `the hop must be a positive integer (got ${hop}); check opts.hop or opts.overlap`);
  const fftSize = opts.fftSize ?? nextPowerOfTwo(Math.max(2, frameSize));
  if (typeof fftSize !== 'number' || !isPowerOfTwo(fftSize) || fftSize < 2) fail(fn, `opts.fftSize must be a power of two >= 2 (got ${fftSize})`);
  if (fftSize > 2 ** 26) fail(fn, `opts.fftSize ${fftSize} is larger than the 2^26 supported`);
  if (fftSize < frameSize) fail(fn, `opts.fftSize (${fftSize}) must be at least opts.frameSize (${frameSize})`);
  checkBoolean(fn, 'opts.padEnd', padEnd);
  checkBoolean(fn, 'opts.center', center);
  checkOneOf(fn, 'opts.window', window, ['hann', 'hann-symmetric', 'rectangular'] as const);
  const padLeft = center ? Math.floor(frameSize / 2) : 0;
  const nFrames = center
    ? frameCount(fn, N + 2 * padLeft, frameSize, hop, {})
    : frameCount(fn, N, frameSize, hop, { padEnd });
  const key = `${window}:${frameSize}`;
  let w = windows.get(key);
  if (w === undefined) {
    w = window === 'rectangular' ? new Float64Array(frameSize).fill(1) : hannWindow(frameSize, { periodic: window === 'hann' });
    if (windows.size > 32) windows.clear();
    windows.set(key, w);
  }
  return { frameSize, hop, fftSize, bins: fftSize / 2 + 1, nFrames, padLeft, window: w };
}

/** For each frame: the windowed, zero-padded frame's spectrum (interleaved, fftSize + 2). */
function forEachSpectrum(xs: Float64Array, g: StftGeometry, each: (t: number, spec: Float64Array) => void): void {
  const { frameSize, hop, fftSize, nFrames, padLeft, window } = g;
  const buf = new Float64Array(fftSize);
  const spec = new Float64Array(2 * fftSize);
  for (let t = 0; t < nFrames; t++) {
    const s = t * hop - padLeft;
    const lo = Math.max(0, -s);
    const hi = Math.min(frameSize, xs.length - s);
    if (lo > 0 || hi < fftSize) buf.fill(0);
    for (let i = lo; i < hi; i++) buf[i] = window[i] * xs[s + i];
    rfftInto(buf, fftSize, spec);
    each(t, spec);
  }
}

/**
 * The adjoint sweep: for each frame, `fill` writes the cotangent of that frame's spectrum
 * (interleaved, given the forward spectrum when `needSpectrum`), which is mapped back to samples.
 */
function stftBackward(
  xs: Float64Array,
  g: StftGeometry,
  needSpectrum: boolean | Float64Array,
  fill: (t: number, spec: Float64Array, gspec: Float64Array) => void,
): Float64Array {
  const { frameSize, hop, fftSize, nFrames, padLeft, window, bins } = g;
  const out = new Float64Array(xs.length);
  const gspec = new Float64Array(fftSize + 2);
  const y = new Float64Array(fftSize);
  const run = (t: number, spec: Float64Array) => {
    fill(t, spec, gspec);
    // rfft's VJP: n·irfft of the cotangent with the half-spectrum weights undone
    // (×n/2 everywhere, ×n at DC and Nyquist; their imaginary parts are ignored by irfft).
    const half = fftSize / 2;
    for (let i = 0; i < 2 * bins; i++) gspec[i] *= half;
    gspec[0] *= 2;
    gspec[2 * bins - 2] *= 2;
    irfftInto(gspec, fftSize, y);
    const st = t * hop - padLeft;
    const lo = Math.max(0, -st);
    const hi = Math.min(frameSize, xs.length - st);
    for (let i = lo; i < hi; i++) out[st + i] += window[i] * y[i];
  };
  if (needSpectrum instanceof Float64Array) {
    const w = fftSize + 2;
    for (let t = 0; t < nFrames; t++) run(t, needSpectrum.subarray(t * w, (t + 1) * w));
  } else if (needSpectrum) forEachSpectrum(xs, g, run);
  else for (let t = 0; t < nFrames; t++) run(t, gspec);
  return out;
}

/**
 * Magnitude spectrogram plus the complex spectra it came from (interleaved, nFrames × (fftSize + 2)),
 * so that a VJP can reuse them (`magnitudeVjpFromSpectra`) instead of recomputing the STFT.
 */
export function magnitudeWithSpectra(
  x: Float64Array,
  opts: StftOptions = {},
  fn = 'magnitudeSpectrogram',
  keys: readonly string[] = STFT_KEYS,
): { mag: Frames; spectra: Float64Array; geometry: StftGeometry } {
  const xs = readLayout(fn, 'x', x).data;
  const g = stftGeometry(fn, xs.length, opts, keys);
  const w = g.fftSize + 2;
  const spectra = new Float64Array(g.nFrames * w);
  const out = new Float64Array(g.nFrames * g.bins);
  forEachSpectrum(xs, g, (t, spec) => {
    spectra.set(spec.subarray(0, w), t * w);
    for (let k = 0; k < g.bins; k++) out[t * g.bins + k] = Math.sqrt(spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]);
  });
  return { mag: frames(out, g.nFrames, g.bins), spectra, geometry: g };
}

/** VJP of the magnitude spectrogram from cached spectra (see magnitudeWithSpectra). */
export function magnitudeVjpFromSpectra(gy: Float64Array, x: Float64Array, cached: { spectra: Float64Array; geometry: StftGeometry }): Float64Array {
  const g = cached.geometry;
  return stftBackward(x, g, cached.spectra, (t, spec, gs) => {
    for (let k = 0; k < g.bins; k++) {
      const re = spec[2 * k];
      const im = spec[2 * k + 1];
      const m = Math.sqrt(re * re + im * im);
      // ḡ·(X/|X|), the unit phasor first: ḡ may itself be ~1/|X| (a log term), and
      // 1/m ≤ 4.5e161 since m = √p ≥ √5e-324, so neither factor overflows.
      const inv = m > 0 ? 1 / m : 0;
      const c = gy[t * g.bins + k];
      gs[2 * k] = c * (re * inv);
      gs[2 * k + 1] = c * (im * inv);
    }
  });
}

export interface Spectrogram {
  re: Frames;
  im: Frames;
}

/**
 * Complex STFT: { re, im }, each [nFrames, fftSize/2 + 1].
 * @example stft(audio, { frameSize: 2048 }) // 64000 samples → 125 frames × 1025 bins
 */
export function stft(x: Float64Array, opts: StftOptions = {}): Spectrogram {
  const xs = readLayout('stft', 'x', x).data;
  const g = stftGeometry('stft', xs.length, opts);
  const re = new Float64Array(g.nFrames * g.bins);
  const im = new Float64Array(g.nFrames * g.bins);
  forEachSpectrum(xs, g, (t, spec) => {
    for (let k = 0; k < g.bins; k++) {
      re[t * g.bins + k] = spec[2 * k];
      im[t * g.bins + k] = spec[2 * k + 1];
    }
  });
  return { re: frames(re, g.nFrames, g.bins), im: frames(im, g.nFrames, g.bins) };
}

/** VJP of {@link stft}. */
export function stftVjp(gy: Spectrogram, x: Float64Array, opts: StftOptions = {}): Float64Array {
  const xs = readLayout('stftVjp', 'x', x).data;
  const g = stftGeometry('stftVjp', xs.length, opts);
  const gr = readLayout('stftVjp', 'gy.re', gy?.re).data;
  const gi = readLayout('stftVjp', 'gy.im', gy?.im).data;
  const size = g.nFrames * g.bins;
  if (gr.length !== size || gi.length !== size) fail('stftVjp', `gy.re and gy.im must be [${g.nFrames}, ${g.bins}]`);
  return stftBackward(xs, g, false, (t, _s, gs) => {
    for (let k = 0; k < g.bins; k++) {
      gs[2 * k] = gr[t * g.bins + k];
      gs[2 * k + 1] = gi[t * g.bins + k];
    }
  });
}

/**
 * Magnitude spectrogram |STFT(x)| [nFrames, bins] (DDSP compute_mag).
 * VJP: Ḡ = ḡ·X/|X| per bin (0 where |X| = 0), then the STFT's VJP.
 */
export function magnitudeSpectrogram(x: Float64Array, opts: StftOptions = {}): Frames {
  return magnitudeOf('magnitudeSpectrogram', x, opts, STFT_KEYS);
}

/** {@link magnitudeSpectrogram} for a caller `fn` that accepts the option keys `keys`. */
export function magnitudeOf(fn: string, x: Float64Array, opts: StftOptions, keys: readonly string[]): Frames {
  const xs = readLayout(fn, 'x', x).data;
  const g = stftGeometry(fn, xs.length, opts, keys);
  const out = new Float64Array(g.nFrames * g.bins);
  forEachSpectrum(xs, g, (t, spec) => {
    for (let k = 0; k < g.bins; k++) out[t * g.bins + k] = Math.sqrt(spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]);
  });
  return frames(out, g.nFrames, g.bins);
}

/** VJP of {@link magnitudeSpectrogram}. */
export function magnitudeSpectrogramVjp(gy: Frames, x: Float64Array, opts: StftOptions = {}): Float64Array {
  return spectrogramVjp('magnitudeSpectrogramVjp', gy, x, opts, STFT_KEYS, (_m, g) => g);
}

/** {@link magnitudeSpectrogramVjp} for a caller `fn` that accepts the option keys `keys`. */
export function magnitudeVjpOf(fn: string, gy: Frames, x: Float64Array, opts: StftOptions, keys: readonly string[]): Float64Array {
  return spectrogramVjp(fn, gy, x, opts, keys, (_m, g) => g);
}

/**
 * The chain rule for a function of |X|: Ḡ = c·X/|X|, with c = ∂ℓ/∂|X| from the bin's magnitude m
 * and cotangent g. Working with the unit phasor X/|X| (never 1/|X|²) keeps the result finite when
 * |X|² underflows to a denormal while |X| does not. Bins with |X| = 0 get Ḡ = 0.
 */
type BinRule = (m: number, g: number) => number;

function spectrogramVjp(fn: string, gy: Frames, x: Float64Array, opts: StftOptions, keys: readonly string[], rule: BinRule): Float64Array {
  const xs = readLayout(fn, 'x', x).data;
  const g = stftGeometry(fn, xs.length, opts, keys);
  const gd = readLayout(fn, 'gy', gy).data;
  if (gd.length !== g.nFrames * g.bins) fail(fn, `gy must be [${g.nFrames}, ${g.bins}] (got ${gd.length} values)`);
  return stftBackward(xs, g, true, (t, spec, gs) => {
    for (let k = 0; k < g.bins; k++) {
      const re = spec[2 * k];
      const im = spec[2 * k + 1];
      const m = Math.sqrt(re * re + im * im); // as the forward computes it, denormals included
      if (m > 0) {
        // c·(X/|X|): the unit phasor first, since c itself may be ~1/|X| (log magnitude).
        const c = rule(m, gd[t * g.bins + k]);
        const inv = 1 / m; // ≤ 4.5e161: m = √p ≥ √5e-324
        gs[2 * k] = c * (re * inv);
        gs[2 * k + 1] = c * (im * inv);
      } else {
        gs[2 * k] = 0;
        gs[2 * k + 1] = 0;
      }
    }
  });
}

/**
 * Power spectrogram |STFT(x)|².  VJP: Ḡ = 2ḡ·X.
 */
export function powerSpectrogram(x: Float64Array, opts: StftOptions = {}): Frames {
  const xs = readLayout('powerSpectrogram', 'x', x).data;
  const g = stftGeometry('powerSpectrogram', xs.length, opts);
  const out = new Float64Array(g.nFrames * g.bins);
  forEachSpectrum(xs, g, (t, spec) => {
    for (let k = 0; k < g.bins; k++) out[t * g.bins + k] = spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1];
  });
  return frames(out, g.nFrames, g.bins);
}

/** VJP of {@link powerSpectrogram}. */
export function powerSpectrogramVjp(gy: Frames, x: Float64Array, opts: StftOptions = {}): Float64Array {
  return spectrogramVjp('powerSpectrogramVjp', gy, x, opts, STFT_KEYS, (m, g) => 2 * g * m);
}

export interface LogMagnitudeOptions extends StftOptions {
  /** safeLog's replacement for zero magnitudes. Default 1e-5. */
  eps?: number;
}

/**
 * Log magnitude, DDSP's compute_logmag: safeLog(|STFT(x)|) (natural log; exact zeros → ln eps).
 * VJP: Ḡ = ḡ·X/|X|² where |X| > 0, else 0.
 */
const LOG_MAG_KEYS = [...STFT_KEYS, 'eps'];

export function logMagnitudeSpectrogram(x: Float64Array, opts: LogMagnitudeOptions = {}): Frames {
  const { eps = 1e-5 } = readOptions('logMagnitudeSpectrogram', opts, LOG_MAG_KEYS);
  checkPositive('logMagnitudeSpectrogram', 'opts.eps', eps);
  const m = magnitudeOf('logMagnitudeSpectrogram', x, opts, LOG_MAG_KEYS);
  const d = m.data;
  const le = Math.log(eps);
  for (let i = 0; i < d.length; i++) d[i] = d[i] > 0 ? Math.log(d[i]) : le;
  return m;
}

/** VJP of {@link logMagnitudeSpectrogram}. */
export function logMagnitudeSpectrogramVjp(gy: Frames, x: Float64Array, opts: LogMagnitudeOptions = {}): Float64Array {
  const { eps = 1e-5 } = readOptions('logMagnitudeSpectrogramVjp', opts, LOG_MAG_KEYS);
  checkPositive('logMagnitudeSpectrogramVjp', 'opts.eps', eps);
  return spectrogramVjp('logMagnitudeSpectrogramVjp', gy, x, opts, LOG_MAG_KEYS, (m, g) => g / m);
}

export { forEachSpectrum as _forEachSpectrum, stftBackward as _stftBackward };
