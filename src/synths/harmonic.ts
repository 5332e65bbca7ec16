/**
 * DDSP's harmonic synthesizer without [nSamples, K] buffers.
 *
 * Frame-rate inputs: amplitude A[F], harmonic distribution D[F, K], fundamental f0[F] (Hz).
 * Harmonic amplitudes H[j,k] = A[j]·D[j,k] are upsampled per interval between frames j and j+1
 * (DDSP's overlapping Hann windows: α[t] = ½ − ½cos(πt/hop), or linear α[t] = t/hop), f0 is
 * upsampled linearly, and
 *   φ[n] = φ₀ + 2π·Σ_{m≤n} f0(m)/sr,     y[n] = Σ_{k: k·f0(n) < sr/2} h_k(n)·sin(k·φ[n]).
 * With `addEndpoint` (default, as DDSP) the last frame is held for the final hop, so frame j lands
 * on sample j·hop and nSamples must be a multiple of F (of F − 1 without the endpoint).
 *
 * sin(kφ) for k = 1…K comes from one sin/cos per sample by rotation, in two interleaved
 * chains (odd and even k) that each step by 2φ:
 *   (s_{k+2}, c_{k+2}) = (s_k·c₂ + c_k·s₂, c_k·c₂ − s_k·s₂),  (s₂, c₂) = sin/cos 2φ,
 * which is stable (a rotation preserves the norm up to rounding, so errors grow linearly):
 * |s_k − sin kφ| ≤ 2e-15·k in float64 (asserted against Math.sin(k·φ) in test/synths for
 * k ≤ 128; measured 6.3e-16·k, much of it the reference's own rounding of k·φ), so the audio
 * error is below 2e-15·Σ_k k·|h_k|. Work is O(nSamples·K) time and
 * O(F·K + nSamples) memory.
 */
import { checkNumber, checkPositive, fail, finiteQuotient, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout, wrapLike, type Signal } from '../core/frames.ts';
import { scratch } from '../core/scratch.ts';
import { foldHarmonicCotangents, readUpsampling, wrapPhase } from './intervals.ts';

const TWO_PI = 2 * Math.PI;

export interface NormalizeHarmonicsOptions {
  /** When given (with f0), harmonics with k·f0 ≥ sampleRate/2 are removed before normalising. */
  sampleRate?: number;
}

/**
 * Number of harmonics k = 1…K with k·f < nyq. A local copy of intervals.ts's (which the real-time
 * voice uses): imported from there, harmonicSynth measured 1.45× slower in `npm run bench -- synths`.
 */
function harmonicsBelow(f: number, nyq: number, K: number): number {
  if (f <= 0) return K;
  let m = Math.ceil(nyq / f) - 1;
  if (m > K) m = K;
  if (m < 0) m = 0;
  while (m > 0 && m * f >= nyq) m--;
  while (m < K && (m + 1) * f < nyq) m++;
  return m;
}

function readNormalize(fn: string, distribution: unknown, f0Hz: unknown, opts: NormalizeHarmonicsOptions) {
  const D = readLayout(fn, 'distribution', distribution);
  const { sampleRate } = readOptions(fn, opts, ['sampleRate']);
  let f0: Float64Array | undefined;
  if (sampleRate !== undefined) {
    checkPositive(fn, 'opts.sampleRate', sampleRate);
    if (f0Hz === undefined) fail(fn, 'f0Hz is required when opts.sampleRate is given');
    f0 = readLayout(fn, 'f0Hz', f0Hz).data;
    if (f0.length !== D.n) fail(fn, `f0Hz must have one value per frame (${D.n}), got ${f0.length}`);
  }
  return { D, f0, nyq: (sampleRate ?? 0) / 2 };
}

/**
 * DDSP's normalize_harmonics: zero the harmonics at or above Nyquist (when sampleRate and f0
 * are given), then divide each frame by its sum (an all-zero frame divides by 1e-7, as
 * safe_divide). y[j,k] = m[j,k]·D[j,k] / Σ_k m[j,k]·D[j,k].
 * VJP: D̄[j,k] = m[j,k]·(ȳ[j,k] − Σ_i ȳ[j,i]·y[j,i]) / S_j; no gradient flows to f0 (the mask is a step).
 * @example normalizeHarmonics(frames(Float64Array.of(1, 1, 2), 1, 3)) // [[0.25, 0.25, 0.5]]
 */
export function normalizeHarmonics<T extends Signal>(distribution: T, f0Hz?: Signal, opts: NormalizeHarmonicsOptions = {}): T {
  const { D, f0, nyq } = readNormalize('normalizeHarmonics', distribution, f0Hz, opts);
  const { data, n, c } = D;
  const out = new Float64Array(data.length);
  for (let j = 0; j < n; j++) {
    const m = f0 ? harmonicsBelow(f0[j], nyq, c) : c;
    let s = 0;
    for (let k = 0; k < m; k++) s += data[j * c + k];
    // Divide (not multiply by 1/s): 1/s overflows for a denormal sum (1e-310) while d/s does not.
    const den = s === 0 ? 1e-7 : s;
    for (let k = 0; k < m; k++) out[j * c + k] = data[j * c + k] / den;
  }
  return wrapLike(D, out, n);
}

/** VJP of {@link normalizeHarmonics} with respect to the distribution. */
export function normalizeHarmonicsVjp<T extends Signal>(gy: T, distribution: T, f0Hz?: Signal, opts: NormalizeHarmonicsOptions = {}): T {
  const { D, f0, nyq } = readNormalize('normalizeHarmonicsVjp', distribution, f0Hz, opts);
  const g = readLayout('normalizeHarmonicsVjp', 'gy', gy).data;
  const { data, n, c } = D;
  if (g.length !== data.length) fail('normalizeHarmonicsVjp', `gy must have ${data.length} values (got ${g.length})`);
  const out = new Float64Array(data.length);
  for (let j = 0; j < n; j++) {
    const m = f0 ? harmonicsBelow(f0[j], nyq, c) : c;
    let s = 0;
    for (let k = 0; k < m; k++) s += data[j * c + k];
    if (s === 0) {
      for (let k = 0; k < m; k++) out[j * c + k] = g[j * c + k] / 1e-7;
      continue;
    }
    // Σ ȳ·y with y = d/s formed by division; the 1/s factor saturates (finiteQuotient) where the
    // true derivative overflows (a denormal sum).
    let gy_y = 0;
    for (let k = 0; k < m; k++) gy_y += g[j * c + k] * (data[j * c + k] / s);
    for (let k = 0; k < m; k++) out[j * c + k] = finiteQuotient(g[j * c + k] - gy_y, s);
  }
  return wrapLike(D, out, n);
}

export interface HarmonicSynthOptions {
  /** Number of output samples (a multiple of the number of frame intervals). Required. */
  nSamples: number;
  /** Sample rate in Hz. Default 16000. */
  sampleRate?: number;
  /** Amplitude upsampling: 'window' (overlapping Hann, DDSP default) or 'linear'. */
  ampResample?: 'window' | 'linear';
  /** Hold the last frame for the final hop (DDSP). false: F frames span F − 1 hops, for streaming. */
  addEndpoint?: boolean;
  /** Phase of the fundamental before the first sample, radians. Default 0. */
  initialPhase?: number;
}

export interface HarmonicSynthOutput {
  audio: Float64Array;
  /** Phase of the fundamental after the last sample, in [0, 2π): pass it as the next block's initialPhase. */
  phase: number;
}

/** The keys of {@link HarmonicSynthOptions}. */
export const HARMONIC_KEYS = optionKeys<HarmonicSynthOptions>()('nSamples', 'sampleRate', 'ampResample', 'addEndpoint', 'initialPhase');

function readHarmonic(fn: string, amplitude: unknown, distribution: unknown, f0Hz: unknown, opts: HarmonicSynthOptions) {
  if (opts === undefined) fail(fn, 'opts.nSamples is required');
  const A = readLayout(fn, 'amplitude', amplitude);
  const D = readLayout(fn, 'distribution', distribution);
  const F0 = readLayout(fn, 'f0Hz', f0Hz);
  if (A.c !== 1) fail(fn, `amplitude must have one channel (got ${A.c})`);
  if (F0.c !== 1) fail(fn, `f0Hz must have one channel (got ${F0.c})`);
  const F = D.n;
  if (A.n !== F || F0.n !== F) {
    fail(fn, `amplitude, distribution and f0Hz must have the same number of frames (got ${A.n}, ${F} and ${F0.n})`);
  }
  const f0 = F0.data;
  for (let j = 0; j < F; j++) if (f0[j] < 0) fail(fn, `f0Hz[${j}] is ${f0[j]}; expected frequencies >= 0`);
  const up = readUpsampling(fn, F, opts, HARMONIC_KEYS);
  const initialPhase = opts.initialPhase ?? 0;
  checkNumber(fn, 'opts.initialPhase', initialPhase);
  const K = D.c;
  const amp = A.data;
  const dist = D.data;
  const H = scratch('harmonic.H', F * K, false);
  for (let j = 0; j < F; j++) for (let k = 0; k < K; k++) H[j * K + k] = amp[j] * dist[j * K + k];
  return {
    A, D, F0, F, K, H, f0, initialPhase, ...up,
  };
}

/**
 * Harmonic synthesis (DDSP `harmonic_synthesis` with `Harmonic`'s defaults), streaming-capable.
 * Inputs are the already-scaled controls; use {@link normalizeHarmonics} (or the `harmonic` node,
 * which also applies expSigmoid) to remove harmonics above Nyquist and normalise first.
 * @example
 *   const { audio } = harmonicSynth(Float64Array.of(1, 1), frames(Float64Array.of(1, 1), 2, 1),
 *                                   Float64Array.of(440, 440), { nSamples: 128 });
 */
export function harmonicSynth(amplitude: Signal, distribution: Signal, f0Hz: Signal, opts: HarmonicSynthOptions): HarmonicSynthOutput {
  const s = readHarmonic('harmonicSynth', amplitude, distribution, f0Hz, opts);
  const { F, K, H, f0, hop, nIntervals, alpha, sampleRate } = s;
  const nyq = sampleRate / 2;
  const w = TWO_PI / sampleRate;
  const audio = new Float64Array(s.nSamples);
  const base = new Float64Array(K);
  const delta = new Float64Array(K);
  let phi = wrapPhase(s.initialPhase);
  for (let j = 0, n = 0; j < nIntervals; j++) {
    const j0 = j < F ? j : F - 1;
    const j1 = j + 1 < F ? j + 1 : F - 1;
    for (let k = 0; k < K; k++) {
      base[k] = H[j0 * K + k];
      delta[k] = H[j1 * K + k] - base[k];
    }
    const fa = f0[j0];
    const fd = f0[j1] - fa;
    for (let t = 0; t < hop; t++, n++) {
      const f = fa + (t / hop) * fd;
      phi = wrapPhase(phi + w * f);
      const m = harmonicsBelow(f, nyq, K);
      // Two interleaved rotation chains (odd and even harmonics, each stepping by 2φ) halve the
      // multiply-add latency chain of a single recurrence.
      const s1 = Math.sin(phi);
      const c1 = Math.cos(phi);
      let sa = s1;
      let ca = c1;
      let sb = sa * c1 + ca * s1;
      let cb = ca * c1 - sa * s1;
      const s2 = sb;
      const c2 = cb;
      const at = alpha[t];
      let y0 = 0;
      let y1 = 0;
      let k = 0;
      for (; k + 1 < m; k += 2) {
        y0 += (base[k] + at * delta[k]) * sa;
        y1 += (base[k + 1] + at * delta[k + 1]) * sb;
        const na = sa * c2 + ca * s2;
        ca = ca * c2 - sa * s2;
        sa = na;
        const nb = sb * c2 + cb * s2;
        cb = cb * c2 - sb * s2;
        sb = nb;
      }
      if (k < m) y0 += (base[k] + at * delta[k]) * sa;
      audio[n] = y0 + y1;
    }
  }
  return { audio, phase: phi };
}

export interface HarmonicSynthGrads<A extends Signal = Signal, D extends Signal = Signal, F extends Signal = Signal> {
  amplitude: A;
  distribution: D;
  f0Hz: F;
  initialPhase: number;
}

/**
 * VJP of {@link harmonicSynth}, in one forward sweep and one reverse sweep, without [T, K]
 * buffers. With gφ[n] = ȳ[n]·Σ_k h_k(n)·k·cos(kφ[n]):
 *   H̄[j,k] = Σ_{n in interval j} ȳ[n]·(1 − α)·sin(kφ),  H̄[j+1,k] += Σ ȳ[n]·α·sin(kφ)
 *   f̄0(n)  = (2π/sr)·(Σ_{m≥n} gφ[m] + φ̄_final), then the transposed linear interpolation to frames
 *   Ā[j]   = Σ_k H̄[j,k]·D[j,k],   D̄[j,k] = H̄[j,k]·A[j],   φ̄₀ = Σ_n gφ[n] + φ̄_final.
 * The Nyquist mask is a step in f0: no gradient flows through it.
 */
export function harmonicSynthVjp<A extends Signal, D extends Signal, F extends Signal>(
  gAudio: Float64Array,
  amplitude: A,
  distribution: D,
  f0Hz: F,
  opts: HarmonicSynthOptions,
  gPhase = 0,
): HarmonicSynthGrads<A, D, F> {
  const s = readHarmonic('harmonicSynthVjp', amplitude, distribution, f0Hz, opts);
  const { F, K, H, f0, hop, nIntervals, alpha, sampleRate, nSamples } = s;
  const g = readLayout('harmonicSynthVjp', 'gAudio', gAudio).data;
  if (g.length !== nSamples) fail('harmonicSynthVjp', `gAudio must have ${nSamples} samples (got ${g.length})`);
  checkNumber('harmonicSynthVjp', 'gPhase', gPhase);
  const nyq = sampleRate / 2;
  const w = TWO_PI / sampleRate;
  const gH = scratch('harmonicVjp.gH', (nIntervals + 1) * K);
  const gPhi = scratch('harmonicVjp.gPhi', nSamples);
  const base = new Float64Array(K);
  const delta = new Float64Array(K);
  const s0 = new Float64Array(K);
  const s1a = new Float64Array(K);
  let phi = wrapPhase(s.initialPhase);
  for (let j = 0, n = 0; j < nIntervals; j++) {
    const j0 = j < F ? j : F - 1;
    const j1 = j + 1 < F ? j + 1 : F - 1;
    // k·h_k(n) = kBase[k] + α·kDelta[k]: the amplitudes weighted by their harmonic number.
    for (let k = 0; k < K; k++) {
      base[k] = (k + 1) * H[j0 * K + k];
      delta[k] = (k + 1) * H[j1 * K + k] - base[k];
    }
    s0.fill(0);
    s1a.fill(0);
    const fa = f0[j0];
    const fd = f0[j1] - fa;
    for (let t = 0; t < hop; t++, n++) {
      const f = fa + (t / hop) * fd;
      phi = wrapPhase(phi + w * f);
      const gy = g[n];
      if (gy === 0) continue;
      const m = harmonicsBelow(f, nyq, K);
      const s1 = Math.sin(phi);
      const c1 = Math.cos(phi);
      let sa = s1;
      let ca = c1;
      let sb = sa * c1 + ca * s1;
      let cb = ca * c1 - sa * s1;
      const s2 = sb;
      const c2 = cb;
      const at = alpha[t];
      const gat = gy * at;
      let gp0 = 0;
      let gp1 = 0;
      let k = 0;
      for (; k + 1 < m; k += 2) {
        s0[k] += gy * sa;
        s1a[k] += gat * sa;
        gp0 += (base[k] + at * delta[k]) * ca;
        s0[k + 1] += gy * sb;
        s1a[k + 1] += gat * sb;
        gp1 += (base[k + 1] + at * delta[k + 1]) * cb;
        const na = sa * c2 + ca * s2;
        ca = ca * c2 - sa * s2;
        sa = na;
        const nb = sb * c2 + cb * s2;
        cb = cb * c2 - sb * s2;
        sb = nb;
      }
      if (k < m) {
        s0[k] += gy * sa;
        s1a[k] += gat * sa;
        gp0 += (base[k] + at * delta[k]) * ca;
      }
      gPhi[n] = gy * (gp0 + gp1);
    }
    for (let k = 0; k < K; k++) {
      gH[j * K + k] += s0[k] - s1a[k];
      gH[(j + 1) * K + k] += s1a[k];
    }
  }
  const { gAmp, gDist, gF0, acc } = foldHarmonicCotangents(gPhi, gH, s.A.data, s.D.data, F, K, nIntervals, hop, w, gPhase);
  return {
    amplitude: wrapLike(s.A, gAmp, F),
    distribution: wrapLike(s.D, gDist, F),
    f0Hz: wrapLike(s.F0, gF0, F),
    initialPhase: acc,
  };
}
