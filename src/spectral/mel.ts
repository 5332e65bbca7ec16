/**
 * Mel spectrograms and MFCCs with DDSP/TF semantics.
 * Mel weights follow tf.signal.linear_to_mel_weight_matrix: HTK mel(f) = 1127·ln(1 + f/700),
 * triangles over nMels + 2 evenly spaced mel edges with peak 1 (not area-normalised), applied to
 * the *magnitude* spectrum; the DC bin gets no weight. MFCCs are TF's unnormalised DCT-II of the
 * log-mel spectrum times 1/√(2·nMels): c_k = √(2/N)·Σ_n x_n·cos(πk(2n + 1)/(2N)).
 */
import { checkInteger, checkNumber, checkPositive, checkSize, fail, finiteQuotient, optionKeys, readOptions } from '../core/errors.ts';
import { frames, readLayout, type Frames } from '../core/frames.ts';
import { magnitudeOf, magnitudeVjpOf, STFT_KEYS, stftGeometry, type StftOptions } from './stft.ts';

/** HTK mel scale as TF uses it: 1127·ln(1 + f/700). */
export function hzToMelHtk(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

export interface MelMatrix {
  /** Weights [bins, nMels], row-major. */
  weights: Float64Array;
  bins: number;
  nMels: number;
  /** First and last bin with nonzero weight, per mel band. */
  lo: Int32Array;
  hi: Int32Array;
}

/**
 * tf.signal.linear_to_mel_weight_matrix(nMels, bins, sampleRate, loHz, hiHz) as [bins, nMels].
 * @example melWeightMatrix(64, 1025, 16000, 0, 8000)
 */
export function melWeightMatrix(nMels: number, bins: number, sampleRate: number, loHz: number, hiHz: number): MelMatrix {
  const fn = 'melWeightMatrix';
  checkSize(fn, 'nMels', nMels, 1);
  checkSize(fn, 'bins', bins, 2);
  if (nMels * bins > 2 ** 26) fail(fn, `a ${bins} × ${nMels} mel matrix is larger than the 2^26 weights supported`);
  checkPositive(fn, 'sampleRate', sampleRate);
  checkNumber(fn, 'loHz', loHz);
  checkNumber(fn, 'hiHz', hiHz);
  const nyq = sampleRate / 2;
  if (!(loHz >= 0 && loHz < hiHz && hiHz <= nyq)) fail(fn, `need 0 <= loHz < hiHz <= Nyquist ${nyq} (got ${loHz} and ${hiHz})`);
  const edgeLo = hzToMelHtk(loHz);
  const edgeHi = hzToMelHtk(hiHz);
  const edges = Float64Array.from({ length: nMels + 2 }, (_, i) => edgeLo + ((edgeHi - edgeLo) * i) / (nMels + 1));
  const weights = new Float64Array(bins * nMels);
  const lo = new Int32Array(nMels).fill(bins);
  const hi = new Int32Array(nMels).fill(-1);
  for (let b = 1; b < bins; b++) {
    const mel = hzToMelHtk((nyq * b) / (bins - 1));
    for (let m = 0; m < nMels; m++) {
      const lower = (mel - edges[m]) / (edges[m + 1] - edges[m]);
      const upper = (edges[m + 2] - mel) / (edges[m + 2] - edges[m + 1]);
      const w = Math.max(0, Math.min(lower, upper));
      if (w > 0) {
        weights[b * nMels + m] = w;
        if (b < lo[m]) lo[m] = b;
        if (b > hi[m]) hi[m] = b;
      }
    }
  }
  return { weights, bins, nMels, lo, hi };
}

const melCache = new Map<string, MelMatrix>();
function cachedMel(nMels: number, bins: number, sr: number, loHz: number, hiHz: number): MelMatrix {
  const key = `${nMels}:${bins}:${sr}:${loHz}:${hiHz}`;
  let m = melCache.get(key);
  if (m === undefined) {
    m = melWeightMatrix(nMels, bins, sr, loHz, hiHz);
    if (melCache.size > 32) melCache.clear();
    melCache.set(key, m);
  }
  return m;
}

/** mel[t, m] = Σ_b spec[t, b]·W[b, m]; linear, so its VJP is ḡspec = ḡmel·Wᵀ. */
export function applyMel(spec: Frames, M: MelMatrix): Frames {
  const S = readLayout('applyMel', 'spec', spec);
  if (S.c !== M.bins) fail('applyMel', `spec has ${S.c} bins, the mel matrix ${M.bins}`);
  const out = new Float64Array(S.n * M.nMels);
  const d = S.data;
  for (let t = 0; t < S.n; t++) {
    for (let m = 0; m < M.nMels; m++) {
      let s = 0;
      for (let b = M.lo[m]; b <= M.hi[m]; b++) s += d[t * M.bins + b] * M.weights[b * M.nMels + m];
      out[t * M.nMels + m] = s;
    }
  }
  return frames(out, S.n, M.nMels);
}

/** VJP (adjoint) of {@link applyMel}. */
export function applyMelVjp(g: Frames, M: MelMatrix): Frames {
  const G = readLayout('applyMelVjp', 'g', g);
  if (G.c !== M.nMels) fail('applyMelVjp', `g has ${G.c} mel bands, the matrix ${M.nMels}`);
  const out = new Float64Array(G.n * M.bins);
  for (let t = 0; t < G.n; t++) {
    for (let m = 0; m < M.nMels; m++) {
      const gm = G.data[t * M.nMels + m];
      if (gm === 0) continue;
      for (let b = M.lo[m]; b <= M.hi[m]; b++) out[t * M.bins + b] += gm * M.weights[b * M.nMels + m];
    }
  }
  return frames(out, G.n, M.bins);
}

export interface MelOptions extends StftOptions {
  /** Sample rate in Hz. Default 16000. */
  sampleRate?: number;
  /** Number of mel bands. Default 64. */
  nMels?: number;
  /** Lowest and highest edge in Hz. Defaults 0 and 8000 (DDSP compute_mel). */
  loHz?: number;
  hiHz?: number;
}
const MEL_KEYS = [...STFT_KEYS, ...optionKeys<Omit<MelOptions, keyof StftOptions>>()('sampleRate', 'nMels', 'loHz', 'hiHz')];

/** `opts` with `defaults` filled in where a key is absent or undefined. */
function withDefaults<T extends object>(opts: T, defaults: Partial<T>): T {
  const o = { ...opts } as Record<string, unknown>;
  for (const [k, v] of Object.entries(defaults)) if (o[k] === undefined) o[k] = v;
  return o as T;
}

function melOf(fn: string, n: number, opts: MelOptions, keys: readonly string[]): MelMatrix {
  const { sampleRate = 16000, nMels = 64, loHz = 0, hiHz = 8000 } = readOptions(fn, opts, keys);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkSize(fn, 'opts.nMels', nMels, 1);
  checkNumber(fn, 'opts.loHz', loHz);
  checkNumber(fn, 'opts.hiHz', hiHz);
  const hi = Math.min(hiHz, sampleRate / 2);
  if (!(loHz >= 0 && loHz < hi)) fail(fn, `need 0 <= opts.loHz < min(opts.hiHz, Nyquist ${sampleRate / 2}) (got ${loHz} and ${hiHz})`);
  const g = stftGeometry(fn, n, opts, keys);
  return cachedMel(nMels, g.bins, sampleRate, loHz, hi);
}

function melImpl(fn: string, x: Float64Array, opts: MelOptions, keys: readonly string[]): Frames {
  const M = melOf(fn, readLayout(fn, 'x', x).data.length, opts, keys);
  return applyMel(magnitudeOf(fn, x, opts, keys), M);
}

function melVjpImpl(fn: string, g: Frames, x: Float64Array, opts: MelOptions, keys: readonly string[]): Float64Array {
  const M = melOf(fn, readLayout(fn, 'x', x).data.length, opts, keys);
  const G = readLayout(fn, 'g', g);
  if (G.c !== M.nMels) fail(fn, `g must have ${M.nMels} mel bands per frame (got ${G.c})`);
  return magnitudeVjpOf(fn, applyMelVjp(g, M), x, opts, keys);
}

/**
 * Mel spectrogram of magnitudes [nFrames, nMels] (DDSP compute_mel).
 * @example melSpectrogram(audio, { nMels: 64, frameSize: 2048 })
 */
export function melSpectrogram(x: Float64Array, opts: MelOptions = {}): Frames {
  return melImpl('melSpectrogram', x, opts, MEL_KEYS);
}

/** VJP of {@link melSpectrogram}. */
export function melSpectrogramVjp(g: Frames, x: Float64Array, opts: MelOptions = {}): Float64Array {
  return melVjpImpl('melSpectrogramVjp', g, x, opts, MEL_KEYS);
}

export interface LogMelOptions extends MelOptions {
  /** safeLog's replacement for zeros (> 0). Default 1e-5. */
  eps?: number;
}
const LOGMEL_KEYS = [...MEL_KEYS, 'eps'];

/** DDSP compute_logmel defaults: 64 bands from 80 to 7600 Hz. */
const LOGMEL_DEFAULTS = { loHz: 80, hiHz: 7600 };

function logMelImpl(fn: string, x: Float64Array, opts: LogMelOptions, keys: readonly string[]): Frames {
  const o = withDefaults(readOptions(fn, opts, keys), LOGMEL_DEFAULTS);
  const { eps = 1e-5 } = o;
  checkPositive(fn, 'opts.eps', eps);
  const mel = melImpl(fn, x, o, keys);
  const le = Math.log(eps);
  const d = mel.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i] > 0 ? Math.log(d[i]) : le;
  return mel;
}

/**
 * The log's chain rule is ḡ/mel; a mel value can be a tiny positive number (a denormal when the
 * audio is ~1e-160), where 1/mel overflows. Such bins get ḡ/mel evaluated as (ḡ·2⁶⁰⁰)/(mel·2⁶⁰⁰)
 * so the result is finite whenever it is representable; beyond that it saturates at ±MAX_VALUE.
 */
function logMelVjpImpl(fn: string, g: Frames, x: Float64Array, opts: LogMelOptions, keys: readonly string[]): Float64Array {
  const o = withDefaults(readOptions(fn, opts, keys), LOGMEL_DEFAULTS);
  checkPositive(fn, 'opts.eps', o.eps ?? 1e-5);
  const mel = melImpl(fn, x, o, keys);
  const gd = readLayout(fn, 'g', g).data;
  if (gd.length !== mel.data.length) fail(fn, `g must be [${mel.shape.join(', ')}] (got ${gd.length} values)`);
  const gm = new Float64Array(gd.length);
  for (let i = 0; i < gd.length; i++) gm[i] = logGrad(gd[i], mel.data[i]);
  return magnitudeVjpOf(fn, applyMelVjp(frames(gm, mel.shape[0], mel.shape[1]), melOf(fn, x.length, o, keys)), x, o, keys);
}

/** ḡ/v for v ≥ 0 (0 where v = 0), finite: clamped to ±MAX_VALUE where the quotient overflows. */
function logGrad(g: number, v: number): number {
  return v > 0 ? finiteQuotient(g, v) : 0;
}

/** Log-mel spectrogram: safeLog(melSpectrogram(x)) (DDSP compute_logmel: 80–7600 Hz by default). */
export function logMelSpectrogram(x: Float64Array, opts: LogMelOptions = {}): Frames {
  return logMelImpl('logMelSpectrogram', x, opts, LOGMEL_KEYS);
}

/** VJP of {@link logMelSpectrogram}. */
export function logMelSpectrogramVjp(g: Frames, x: Float64Array, opts: LogMelOptions = {}): Float64Array {
  return logMelVjpImpl('logMelSpectrogramVjp', g, x, opts, LOGMEL_KEYS);
}

/**
 * TF's MFCC transform of log-mel frames [T, N] → [T, nOut]: c_k = √(2/N)·Σ_n x_n·cos(πk(2n+1)/(2N)).
 * Linear; its VJP is the transposed sum.
 */
export function dctII(x: Frames, nOut: number): Frames {
  const L = readLayout('dctII', 'x', x);
  checkInteger('dctII', 'nOut', nOut, 1);
  if (nOut > L.c) fail('dctII', `nOut (${nOut}) cannot exceed the ${L.c} inputs per frame`);
  const N = L.c;
  const C = dctTable(N, nOut);
  const out = new Float64Array(L.n * nOut);
  for (let t = 0; t < L.n; t++) {
    for (let k = 0; k < nOut; k++) {
      let s = 0;
      for (let n = 0; n < N; n++) s += L.data[t * N + n] * C[k * N + n];
      out[t * nOut + k] = s;
    }
  }
  return frames(out, L.n, nOut);
}

/** VJP (adjoint) of {@link dctII}. */
export function dctIIVjp(g: Frames, x: Frames): Frames {
  const L = readLayout('dctIIVjp', 'x', x);
  const G = readLayout('dctIIVjp', 'g', g);
  if (G.n !== L.n || G.c > L.c || G.c < 1) fail('dctIIVjp', `g must be [${L.n}, nOut ≤ ${L.c}] like dctII's output for x (got [${G.n}, ${G.c}])`);
  const N = L.c;
  const nOut = G.c;
  const C = dctTable(N, nOut);
  const out = new Float64Array(L.n * N);
  for (let t = 0; t < L.n; t++) {
    for (let k = 0; k < nOut; k++) {
      const gk = G.data[t * nOut + k];
      for (let n = 0; n < N; n++) out[t * N + n] += gk * C[k * N + n];
    }
  }
  return frames(out, L.n, N);
}

function dctTable(N: number, nOut: number): Float64Array {
  const C = new Float64Array(nOut * N);
  const s = Math.sqrt(2 / N);
  for (let k = 0; k < nOut; k++) for (let n = 0; n < N; n++) C[k * N + n] = s * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * N));
  return C;
}

export interface MfccOptions extends LogMelOptions {
  /** Number of coefficients kept (≤ nMels). Default 13. */
  nMfcc?: number;
}
const MFCC_KEYS = [...LOGMEL_KEYS, 'nMfcc'];

/** DDSP compute_mfcc defaults: 128 mel bands from 20 to 8000 Hz, 1024-sample frames, 13 coefficients. */
const MFCC_DEFAULTS = { loHz: 20, hiHz: 8000, nMels: 128, frameSize: 1024, nMfcc: 13 };

function mfccSetup(fn: string, opts: MfccOptions) {
  const o = withDefaults(readOptions(fn, opts, MFCC_KEYS), MFCC_DEFAULTS);
  checkInteger(fn, 'opts.nMfcc', o.nMfcc, 1);
  if (o.nMfcc > o.nMels!) fail(fn, `opts.nMfcc (${o.nMfcc}) cannot exceed opts.nMels (${o.nMels})`);
  return o as MfccOptions & { nMfcc: number };
}

/** MFCCs [nFrames, nMfcc] of x (DDSP compute_mfcc). */
export function mfcc(x: Float64Array, opts: MfccOptions = {}): Frames {
  const o = mfccSetup('mfcc', opts);
  return dctII(logMelImpl('mfcc', x, o, MFCC_KEYS), o.nMfcc);
}

/** VJP of {@link mfcc}. */
export function mfccVjp(g: Frames, x: Float64Array, opts: MfccOptions = {}): Float64Array {
  const o = mfccSetup('mfccVjp', opts);
  const lm = logMelImpl('mfccVjp', x, o, MFCC_KEYS);
  const G = readLayout('mfccVjp', 'g', g);
  if (G.n !== lm.shape[0] || G.c !== o.nMfcc) fail('mfccVjp', `g must be [${lm.shape[0]}, ${o.nMfcc}] (got [${G.n}, ${G.c}])`);
  return logMelVjpImpl('mfccVjp', dctIIVjp(g, lm), x, o, MFCC_KEYS);
}
