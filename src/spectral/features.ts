/**
 * Differentiable audio features at a frame rate: A-weighted loudness (DDSP v3, or the pre-v2
 * convention of the published models), RMS energy and power in dB. Each has a VJP; where a
 * floor or clip holds, the gradient is 0.
 */
import { checkNumber, checkOneOf, checkPositive, checkSize, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';
import { amplitudeToDb, amplitudeToDbVjp } from '../core/units.ts';
import { _forEachSpectrum, _stftBackward, stftGeometry, type StftGeometry } from './stft.ts';
import { frameCount } from './frame.ts';

/**
 * A-weighting in dB (IEC 61672, librosa's formula), floored at minDb:
 *   A(f) = 2 + 20·(log₁₀ 12194.217² + 2·log₁₀ f² − log₁₀(f² + 12194.217²) − log₁₀(f² + 20.598997²)
 *          − ½·log₁₀(f² + 107.65265²) − ½·log₁₀(f² + 737.86223²))
 * @example aWeightingDb(1000) // ≈ 0 dB
 */
export function aWeightingDb(f: number, minDb = -80): number {
  const f2 = f * f;
  const a =
    2 +
    20 *
      (Math.log10(12194.217 ** 2) + 2 * Math.log10(f2) - Math.log10(f2 + 12194.217 ** 2) - Math.log10(f2 + 20.598997 ** 2) -
        0.5 * Math.log10(f2 + 107.65265 ** 2) - 0.5 * Math.log10(f2 + 737.86223 ** 2));
  return Number.isNaN(a) || a < minDb ? minDb : a;
}

export interface LoudnessOptions {
  sampleRate?: number;
  /** Frames per second. Default 250 (hop = sampleRate/frameRate, floored). */
  frameRate?: number;
  /** FFT size. Default 512 (v3) or 2048 ('v1'). */
  nFft?: number;
  /** Floor: the output never goes below −rangeDb (v3: 80, 'v1': 120). */
  rangeDb?: number;
  /** Reference subtracted (v3: 0, 'v1': 20.7). */
  refDb?: number;
  /**
   * 'v3' (default, DDSP ≥ 2.0): centred frames, A-weighted *power* averaged over bins, then dB.
   * 'v1': the pre-2.0 convention of the published models: end-padded frames, per-bin
   * 20·log₁₀|S| + A(f) − refDb floored per bin, averaged in dB, trimmed to ⌊seconds·frameRate⌋ frames.
   */
  convention?: 'v3' | 'v1';
}

interface LoudnessSetup {
  g: StftGeometry;
  weight: Float64Array;
  aDb: Float64Array;
  refDb: number;
  rangeDb: number;
  v1: boolean;
  nOut: number;
}

const LOUDNESS_KEYS = optionKeys<LoudnessOptions>()('sampleRate', 'frameRate', 'nFft', 'rangeDb', 'refDb', 'convention');

function setupLoudness(fn: string, n: number, opts: LoudnessOptions): LoudnessSetup {
  const { sampleRate = 16000, frameRate = 250, convention = 'v3' } = readOptions(fn, opts, LOUDNESS_KEYS);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkPositive(fn, 'opts.frameRate', frameRate);
  checkOneOf(fn, 'opts.convention', convention, ['v3', 'v1'] as const);
  const v1 = convention === 'v1';
  const { nFft = v1 ? 2048 : 512, rangeDb = v1 ? 120 : 80, refDb = v1 ? 20.7 : 0 } = opts;
  checkSize(fn, 'opts.nFft', nFft, 2);
  checkPositive(fn, 'opts.rangeDb', rangeDb);
  checkNumber(fn, 'opts.refDb', refDb);
  const hop = Math.floor(sampleRate / frameRate);
  if (hop < 1) fail(fn, `opts.frameRate (${frameRate}) must be at most the sample rate (${sampleRate})`);
  const g = stftGeometry(fn, n, { frameSize: nFft, fftSize: nFft, hop, center: !v1, padEnd: v1 });
  const aDb = Float64Array.from({ length: g.bins }, (_, k) => aWeightingDb((k * sampleRate) / nFft));
  const weight = aDb.map((a) => Math.pow(10, a / 10));
  const nOut = v1 ? Math.min(g.nFrames, Math.floor((n / sampleRate) * frameRate)) : g.nFrames;
  return { g, weight, aDb, refDb, rangeDb, v1, nOut };
}

/**
 * A-weighted loudness in dB per frame (DDSP compute_loudness). With the v3 defaults at 16 kHz:
 * 512-point frames every 64 samples, centred with zeros (4 s → 1001 frames), mean A-weighted
 * power over bins, 10·log₁₀, floored at −80 dB relative to refDb and not capped above
 * (a full-scale sine is about +15.7 dB).
 * VJP (v3): ∂dB/∂P̄ = 10/(P̄·ln 10) where not floored, P̄ = mean_k a_k|S_k|², Ḡ_k = 2·(a_k/B)·ḡ·S_k.
 * @example loudness(audio) // Float64Array of 1001 values for 64000 samples
 */
export function loudness(x: Float64Array, opts: LoudnessOptions = {}): Float64Array {
  const xs = readLayout('loudness', 'x', x).data;
  const s = setupLoudness('loudness', xs.length, opts);
  const { g, weight, aDb, refDb, rangeDb, v1, nOut } = s;
  const out = new Float64Array(nOut);
  const B = g.bins;
  _forEachSpectrum(xs, g, (t, spec) => {
    if (t >= nOut) return;
    let acc = 0;
    if (v1) {
      for (let k = 0; k < B; k++) {
        const m = Math.sqrt(spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]);
        const db = 20 * Math.log10(m > 1e-20 ? m : 1e-20) + aDb[k] - refDb;
        acc += db > -rangeDb ? db : -rangeDb;
      }
      out[t] = acc / B;
      return;
    }
    for (let k = 0; k < B; k++) acc += weight[k] * (spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]);
    const p = acc / B;
    const pmin = Math.pow(10, -rangeDb / 10);
    const db = 10 * Math.log10(p > pmin ? p : pmin) - refDb;
    out[t] = db > -rangeDb ? db : -rangeDb;
  });
  return out;
}

/** VJP of {@link loudness}. */
export function loudnessVjp(gy: Float64Array, x: Float64Array, opts: LoudnessOptions = {}): Float64Array {
  const xs = readLayout('loudnessVjp', 'x', x).data;
  const s = setupLoudness('loudnessVjp', xs.length, opts);
  const { g, weight, aDb, refDb, rangeDb, v1, nOut } = s;
  const gd = readLayout('loudnessVjp', 'gy', gy).data;
  if (gd.length !== nOut) fail('loudnessVjp', `gy must have ${nOut} frames (got ${gd.length})`);
  const B = g.bins;
  const k10 = 10 / Math.LN10;
  const pmin = Math.pow(10, -rangeDb / 10);
  return _stftBackward(xs, g, true, (t, spec, gs) => {
    gs.fill(0);
    if (t >= nOut || gd[t] === 0) return;
    if (v1) {
      for (let k = 0; k < B; k++) {
        const re = spec[2 * k];
        const im = spec[2 * k + 1];
        const p = re * re + im * im;
        const m = Math.sqrt(p);
        if (!(m > 1e-20) || 20 * Math.log10(m) + aDb[k] - refDb <= -rangeDb) continue;
        const c = ((gd[t] / B) * 2 * k10) / p; // d(20·log10|S|)/dS = 20/(ln10·|S|²)·S
        gs[2 * k] = c * re;
        gs[2 * k + 1] = c * im;
      }
      return;
    }
    let acc = 0;
    for (let k = 0; k < B; k++) acc += weight[k] * (spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]);
    const p = acc / B;
    if (!(p > pmin) || 10 * Math.log10(p) - refDb <= -rangeDb) return;
    const gp = (gd[t] * k10) / p / B;
    for (let k = 0; k < B; k++) {
      const c = 2 * gp * weight[k];
      gs[2 * k] = c * spec[2 * k];
      gs[2 * k + 1] = c * spec[2 * k + 1];
    }
  });
}

export interface RmsOptions {
  sampleRate?: number;
  /** Frames per second. Default 250. */
  frameRate?: number;
  /** Default 512. */
  frameSize?: number;
  /** 'center' (default: frameSize/2 zeros each side), 'same' (end padding, ⌈N/hop⌉ frames) or 'valid'. */
  padding?: 'center' | 'same' | 'valid';
}

const RMS_KEYS = optionKeys<RmsOptions>()('sampleRate', 'frameRate', 'frameSize', 'padding');

function rmsSetup(fn: string, n: number, opts: RmsOptions, keys: readonly string[] = RMS_KEYS) {
  const { sampleRate = 16000, frameRate = 250, frameSize = 512, padding = 'center' } = readOptions(fn, opts, keys);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkPositive(fn, 'opts.frameRate', frameRate);
  checkSize(fn, 'opts.frameSize', frameSize, 1);
  checkOneOf(fn, 'opts.padding', padding, ['center', 'same', 'valid'] as const);
  const hop = Math.floor(sampleRate / frameRate);
  if (hop < 1) fail(fn, `opts.frameRate (${frameRate}) must be at most the sample rate (${sampleRate})`);
  const padLeft = padding === 'center' ? Math.floor(frameSize / 2) : 0;
  const total = padding === 'center' ? n + 2 * padLeft : n;
  const nFrames = frameCount(fn, total, frameSize, hop, { padEnd: padding === 'same' });
  return { hop, frameSize, padLeft, nFrames };
}

/**
 * Root-mean-square energy per frame (DDSP compute_rms_energy): √(mean over the frame of x²).
 * VJP: x̄_i += ḡ_t·x_i/(frameSize·rms_t) over frame t's samples (0 where rms = 0).
 */
export function rmsEnergy(x: Float64Array, opts: RmsOptions = {}): Float64Array {
  return rmsImpl('rmsEnergy', x, opts, RMS_KEYS);
}

function rmsImpl(fn: string, x: Float64Array, opts: RmsOptions, keys: readonly string[]): Float64Array {
  const xs = readLayout(fn, 'x', x).data;
  const { hop, frameSize, padLeft, nFrames } = rmsSetup(fn, xs.length, opts, keys);
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const s = t * hop - padLeft;
    let acc = 0;
    for (let i = Math.max(0, -s); i < Math.min(frameSize, xs.length - s); i++) acc += xs[s + i] * xs[s + i];
    out[t] = Math.sqrt(acc / frameSize);
  }
  return out;
}

/** VJP of {@link rmsEnergy}. */
export function rmsEnergyVjp(gy: Float64Array, x: Float64Array, opts: RmsOptions = {}): Float64Array {
  return rmsVjpImpl('rmsEnergyVjp', gy, x, opts, RMS_KEYS);
}

function rmsVjpImpl(fn: string, gy: Float64Array, x: Float64Array, opts: RmsOptions, keys: readonly string[]): Float64Array {
  const xs = readLayout(fn, 'x', x).data;
  const { hop, frameSize, padLeft, nFrames } = rmsSetup(fn, xs.length, opts, keys);
  const gd = readLayout(fn, 'gy', gy).data;
  if (gd.length !== nFrames) fail(fn, `gy must have ${nFrames} frames (got ${gd.length})`);
  const rms = rmsImpl(fn, xs, opts, keys);
  const out = new Float64Array(xs.length);
  for (let t = 0; t < nFrames; t++) {
    if (rms[t] === 0) continue;
    const c = gd[t] / (frameSize * rms[t]);
    const s = t * hop - padLeft;
    for (let i = Math.max(0, -s); i < Math.min(frameSize, xs.length - s); i++) out[s + i] += c * xs[s + i];
  }
  return out;
}

export interface PowerDbOptions extends RmsOptions {
  /** Reference level subtracted. Default 0. */
  refDb?: number;
  /** Floor below the reference (> 0). Default 80. */
  rangeDb?: number;
}
const POWER_DB_KEYS = [...RMS_KEYS, 'refDb', 'rangeDb'];

function dbOpts(fn: string, opts: PowerDbOptions) {
  const { refDb = 0, rangeDb = 80 } = readOptions(fn, opts, POWER_DB_KEYS);
  checkNumber(fn, 'opts.refDb', refDb);
  checkPositive(fn, 'opts.rangeDb', rangeDb);
  return { refDb, rangeDb };
}

/**
 * Frame power in dB (DDSP compute_power): amplitudeToDb(rmsEnergy(x)) = max(20·log₁₀ max(rms, 1e-4) − refDb, −80).
 */
export function powerDb(x: Float64Array, opts: PowerDbOptions = {}): Float64Array {
  const db = dbOpts('powerDb', opts);
  return amplitudeToDb(rmsImpl('powerDb', x, opts, POWER_DB_KEYS), db);
}

/** VJP of {@link powerDb}. */
export function powerDbVjp(gy: Float64Array, x: Float64Array, opts: PowerDbOptions = {}): Float64Array {
  const db = dbOpts('powerDbVjp', opts);
  const rms = rmsImpl('powerDbVjp', x, opts, POWER_DB_KEYS);
  const gd = readLayout('powerDbVjp', 'gy', gy).data;
  if (gd.length !== rms.length) fail('powerDbVjp', `gy must have ${rms.length} frames (got ${gd.length})`);
  return rmsVjpImpl('powerDbVjp', amplitudeToDbVjp(gy, rms, db), x, opts, POWER_DB_KEYS);
}
