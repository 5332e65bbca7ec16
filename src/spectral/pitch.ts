/**
 * Fundamental-frequency tracking (not differentiable), for data preparation: YIN
 * (de Cheveigné & Kawahara 2002) with a per-frame confidence, at a frame rate, frames centred
 * as DDSP's features (N/hop + 1 frames). Per frame of W + τmax samples:
 *   d(τ)  = Σ_{j<W} (x_j − x_{j+τ})²                 (by FFT cross-correlation)
 *   d′(τ) = d(τ)·τ / Σ_{1≤j≤τ} d(j)                  (cumulative-mean normalised)
 *   τ*    = the first τ ≥ τmin with d′(τ) < threshold, followed down to its local minimum
 *           (else the global minimum), refined by parabolic interpolation
 *   f0 = sr/τ*,  confidence = 1 − d′(τ*) clipped to [0, 1] (0 for silence).
 * No pretrained model is involved: this works offline, identically on every runtime.
 */
import { checkInteger, checkPositive, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';
import { irfftInto, nextPowerOfTwo, rfftInto } from './fftCore.ts';

export interface F0Options {
  sampleRate?: number;
  /** Frames per second. Default 250. */
  frameRate?: number;
  /** Lowest detectable f0. Default 40 Hz. */
  fMin?: number;
  /** Highest detectable f0. Default 2100 Hz. */
  fMax?: number;
  /** YIN's absolute threshold on d′. Default 0.15. */
  threshold?: number;
  /**
   * Samples per analysis frame (odd). Lags up to ⌊(frameLength − 1)/2⌋ are searched, so fMin must
   * satisfy ⌈sampleRate/fMin⌉ ≤ (frameLength − 1)/2. Default 2·⌈sampleRate/fMin⌉ + 1 (801 at
   * 16 kHz, 40 Hz). At most 2·sampleRate + 1 (frames of up to 2 s, fMin ≥ 1 Hz).
   */
  frameLength?: number;
}
const F0_KEYS = optionKeys<F0Options>()('sampleRate', 'frameRate', 'fMin', 'fMax', 'threshold', 'frameLength');

export interface F0Track {
  f0Hz: Float64Array;
  confidence: Float64Array;
}

/**
 * Track f0 with YIN.
 * @example const { f0Hz, confidence } = yin(audio, { sampleRate: 16000, frameRate: 250 })
 */
export function yin(x: Float64Array, opts: F0Options = {}): F0Track {
  const fn = 'yin';
  const xs = readLayout(fn, 'x', x).data;
  const o = readOptions(fn, opts, F0_KEYS);
  const { sampleRate = 16000, frameRate = 250, fMin = 40, fMax = 2100, threshold = 0.15 } = o;
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkPositive(fn, 'opts.frameRate', frameRate);
  checkPositive(fn, 'opts.fMin', fMin);
  checkPositive(fn, 'opts.fMax', fMax);
  checkPositive(fn, 'opts.threshold', threshold);
  if (!(fMax > fMin)) fail(fn, `opts.fMax must exceed opts.fMin (got ${fMin} and ${fMax})`);
  if (fMax >= sampleRate / 2) fail(fn, `opts.fMax must be below Nyquist ${sampleRate / 2} (got ${fMax})`);
  const hop = Math.floor(sampleRate / frameRate);
  checkInteger(fn, 'hop (sampleRate/frameRate)', hop, 1);
  const tauMin = Math.max(2, Math.floor(sampleRate / fMax));
  const tauMax = Math.ceil(sampleRate / fMin);
  const maxFrame = 2 * Math.floor(sampleRate) + 1;
  const size = o.frameLength ?? 2 * tauMax + 1; // frame length
  if (o.frameLength !== undefined) {
    checkInteger(fn, 'opts.frameLength', size, 5);
    if (size > maxFrame) fail(fn, `opts.frameLength must be at most 2·sampleRate + 1 = ${maxFrame} samples (got ${size})`);
    if (tauMax > (size - 1) / 2) {
      fail(fn, `opts.fMin (${fMin} Hz) needs lags up to ${tauMax} samples, more than a frame of ${size} resolves; raise opts.fMin to at least ${sampleRate / Math.floor((size - 1) / 2)} Hz or opts.frameLength to ${2 * tauMax + 1}`);
    }
  } else if (size > maxFrame) {
    fail(fn, `opts.fMin (${fMin} Hz) would need frames of ${size} samples, more than 2 s; use fMin >= ${Math.ceil(sampleRate / Math.floor(sampleRate)) } Hz`);
  }
  const W = Math.floor((size - 1) / 2); // integration window
  if (tauMin >= tauMax) fail(fn, `opts.fMin and opts.fMax leave no lag to search (lags ${tauMin}…${tauMax})`);
  const nFrames = Math.floor(xs.length / hop) + 1;
  const fft = nextPowerOfTwo(W + size);
  const a = new Float64Array(fft);
  const b = new Float64Array(fft);
  const A = new Float64Array(fft + 2);
  const Bs = new Float64Array(fft + 2);
  const r = new Float64Array(fft);
  const seg = new Float64Array(size);
  const sq = new Float64Array(size + 1);
  const d = new Float64Array(tauMax + 2);
  const dn = new Float64Array(tauMax + 2);
  const f0Hz = new Float64Array(nFrames);
  const confidence = new Float64Array(nFrames);
  const half = Math.floor(size / 2);
  for (let t = 0; t < nFrames; t++) {
    const s = t * hop - half;
    for (let i = 0; i < size; i++) {
      const k = s + i;
      seg[i] = k >= 0 && k < xs.length ? xs[k] : 0;
    }
    for (let i = 0; i < size; i++) sq[i + 1] = sq[i] + seg[i] * seg[i];
    const e0 = sq[W];
    if (!(e0 > 1e-12 * W)) continue; // silence: f0 0, confidence 0
    // r(τ) = Σ_{j<W} seg[j]·seg[j+τ], by FFT correlation.
    a.fill(0);
    b.fill(0);
    a.set(seg.subarray(0, W));
    b.set(seg);
    rfftInto(a, fft, A);
    rfftInto(b, fft, Bs);
    for (let k = 0; k <= fft; k += 2) {
      const ar = A[k];
      const ai = A[k + 1];
      const br = Bs[k];
      const bi = Bs[k + 1];
      A[k] = ar * br + ai * bi;
      A[k + 1] = ar * bi - ai * br;
    }
    irfftInto(A, fft, r);
    let cum = 0;
    dn[0] = 1;
    for (let tau = 1; tau <= tauMax + 1; tau++) {
      const et = sq[tau + W] - sq[tau];
      const v = Math.max(0, e0 + et - 2 * r[tau]);
      d[tau] = v;
      cum += v;
      dn[tau] = cum > 0 ? (v * tau) / cum : 1;
    }
    let best = -1;
    for (let tau = tauMin; tau <= tauMax; tau++) {
      if (dn[tau] < threshold) {
        while (tau + 1 <= tauMax && dn[tau + 1] < dn[tau]) tau++;
        best = tau;
        break;
      }
    }
    if (best < 0) {
      best = tauMin;
      for (let tau = tauMin + 1; tau <= tauMax; tau++) if (dn[tau] < dn[best]) best = tau;
    }
    let refined = best;
    if (best > 1 && best < tauMax + 1) {
      const y0 = dn[best - 1];
      const y1 = dn[best];
      const y2 = dn[best + 1];
      const den = y0 - 2 * y1 + y2;
      if (den > 0) refined = best + (0.5 * (y0 - y2)) / den;
    }
    f0Hz[t] = sampleRate / refined;
    confidence[t] = Math.min(1, Math.max(0, 1 - dn[best]));
  }
  return { f0Hz, confidence };
}
