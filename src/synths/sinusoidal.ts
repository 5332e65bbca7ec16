/**
 * DDSP's sinusoidal synthesizer: K free partials with frame-rate amplitudes and frequencies
 * [F, K]. Amplitudes crossfade between frames (Hann windows by default), frequencies interpolate
 * linearly, each partial accumulates its own phase (inclusive running sum, float64), and a
 * partial at or above Nyquist is silent on that sample. Memory O(F·K + hop·K), never [T, K].
 */
import { checkPositive, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout, wrapLike, type Signal } from '../core/frames.ts';
import { normalizeHarmonics, normalizeHarmonicsVjp } from './harmonic.ts';
import { readUpsampling, wrapPhase, type AmpResample } from './intervals.ts';

const TWO_PI = 2 * Math.PI;

export interface SinusoidalSynthOptions {
  /** Output length, a multiple of the frame intervals. Required. */
  nSamples: number;
  /** Default 16000. */
  sampleRate?: number;
  /** 'window' (default) or 'linear'. */
  ampResample?: AmpResample;
  /** Hold the last frame for the final hop (default true, DDSP). */
  addEndpoint?: boolean;
  /** Phase of each partial before the first sample (length K). Default zeros. */
  initialPhase?: Float64Array;
}

/** The keys of {@link SinusoidalSynthOptions}. */
export const SINUSOIDAL_KEYS = optionKeys<SinusoidalSynthOptions>()('nSamples', 'sampleRate', 'ampResample', 'addEndpoint', 'initialPhase');

function readSinusoidal(fn: string, amplitudes: unknown, frequencies: unknown, opts: SinusoidalSynthOptions) {
  if (opts === undefined) fail(fn, 'opts.nSamples is required');
  const A = readLayout(fn, 'amplitudes', amplitudes);
  const Fq = readLayout(fn, 'frequencies', frequencies);
  if (A.n !== Fq.n || A.c !== Fq.c) fail(fn, `amplitudes and frequencies must have the same shape (got [${A.n}, ${A.c}] and [${Fq.n}, ${Fq.c}])`);
  const up = readUpsampling(fn, A.n, opts, SINUSOIDAL_KEYS);
  const { initialPhase } = opts;
  const K = A.c;
  const phase0 = new Float64Array(K);
  if (initialPhase !== undefined) {
    const P = readLayout(fn, 'opts.initialPhase', initialPhase).data;
    if (P.length !== K) fail(fn, `opts.initialPhase must have one value per partial (${K}), got ${P.length}`);
    for (let k = 0; k < K; k++) phase0[k] = wrapPhase(P[k]);
  }
  return { A, Fq, F: A.n, K, phase0, ...up };
}

/**
 * Sum of K sinusoids with their own amplitude and frequency tracks.
 * @example sinusoidalSynth(frames(Float64Array.of(1, 1), 2, 1), frames(Float64Array.of(4000, 4000), 2, 1), { nSamples: 8 })
 */
export function sinusoidalSynth(amplitudes: Signal, frequencies: Signal, opts: SinusoidalSynthOptions): { audio: Float64Array; phase: Float64Array } {
  const s = readSinusoidal('sinusoidalSynth', amplitudes, frequencies, opts);
  const { F, K, hop, nIntervals, alpha, sampleRate } = s;
  const a = s.A.data;
  const f = s.Fq.data;
  const nyq = sampleRate / 2;
  const w = TWO_PI / sampleRate;
  const phase = s.phase0.slice();
  const audio = new Float64Array(s.nSamples);
  for (let j = 0, n0 = 0; j < nIntervals; j++, n0 += hop) {
    const r0 = (j < F ? j : F - 1) * K;
    const r1 = (j + 1 < F ? j + 1 : F - 1) * K;
    for (let k = 0; k < K; k++) {
      const a0 = a[r0 + k];
      const ad = a[r1 + k] - a0;
      const f0 = f[r0 + k];
      const fd = f[r1 + k] - f0;
      let p = phase[k];
      for (let t = 0; t < hop; t++) {
        const fk = f0 + (t / hop) * fd;
        p = wrapPhase(p + w * fk);
        if (fk < nyq) audio[n0 + t] += (a0 + alpha[t] * ad) * Math.sin(p);
      }
      phase[k] = p;
    }
  }
  return { audio, phase };
}

/**
 * VJP of {@link sinusoidalSynth}: interval by interval in reverse, re-deriving each interval's
 * phases from its stored start (no [T, K] buffer). f̄ is (2π/sr)·(reverse running sum of
 * gφ + φ̄_final) scattered to frames by the lerp's transpose; ā by the crossfade's transpose.
 */
export function sinusoidalSynthVjp<A extends Signal, Q extends Signal>(
  gAudio: Float64Array,
  amplitudes: A,
  frequencies: Q,
  opts: SinusoidalSynthOptions,
  gPhase?: Float64Array,
): { amplitudes: A; frequencies: Q; initialPhase: Float64Array } {
  const s = readSinusoidal('sinusoidalSynthVjp', amplitudes, frequencies, opts);
  const { F, K, hop, nIntervals, alpha, sampleRate, nSamples } = s;
  const g = readLayout('sinusoidalSynthVjp', 'gAudio', gAudio).data;
  if (g.length !== nSamples) fail('sinusoidalSynthVjp', `gAudio must have ${nSamples} samples (got ${g.length})`);
  const a = s.A.data;
  const f = s.Fq.data;
  const nyq = sampleRate / 2;
  const w = TWO_PI / sampleRate;
  // Phase of every partial at the start of every interval.
  const starts = new Float64Array((nIntervals + 1) * K);
  starts.set(s.phase0);
  for (let j = 0; j < nIntervals; j++) {
    const r0 = (j < F ? j : F - 1) * K;
    const r1 = (j + 1 < F ? j + 1 : F - 1) * K;
    for (let k = 0; k < K; k++) {
      const f0 = f[r0 + k];
      const fd = f[r1 + k] - f0;
      let p = starts[j * K + k];
      for (let t = 0; t < hop; t++) p = wrapPhase(p + w * (f0 + (t / hop) * fd));
      starts[(j + 1) * K + k] = p;
    }
  }
  const acc = new Float64Array(K);
  if (gPhase !== undefined) {
    const gp = readLayout('sinusoidalSynthVjp', 'gPhase', gPhase).data;
    if (gp.length !== K) fail('sinusoidalSynthVjp', `gPhase must have ${K} values (got ${gp.length})`);
    acc.set(gp);
  }
  const gA = new Float64Array((nIntervals + 1) * K);
  const gF = new Float64Array((nIntervals + 1) * K);
  const buf = new Float64Array(hop);
  for (let j = nIntervals - 1; j >= 0; j--) {
    const n0 = j * hop;
    const r0 = (j < F ? j : F - 1) * K;
    const r1 = (j + 1 < F ? j + 1 : F - 1) * K;
    for (let k = 0; k < K; k++) {
      const a0 = a[r0 + k];
      const ad = a[r1 + k] - a0;
      const f0 = f[r0 + k];
      const fd = f[r1 + k] - f0;
      let p = starts[j * K + k];
      for (let t = 0; t < hop; t++) buf[t] = p = wrapPhase(p + w * (f0 + (t / hop) * fd));
      let s0 = 0;
      let s1 = 0;
      let q0 = 0;
      let q1 = 0;
      let r = acc[k];
      for (let t = hop - 1; t >= 0; t--) {
        const u = t / hop;
        const fk = f0 + u * fd;
        const gy = g[n0 + t];
        if (fk < nyq && gy !== 0) {
          const at = alpha[t];
          const sn = Math.sin(buf[t]);
          const gs = gy * sn;
          s0 += (1 - at) * gs;
          s1 += at * gs;
          r += gy * (a0 + at * ad) * Math.cos(buf[t]);
        }
        q0 += (1 - u) * r;
        q1 += u * r;
      }
      acc[k] = r;
      gA[j * K + k] += s0;
      gA[(j + 1) * K + k] += s1;
      gF[j * K + k] += w * q0;
      gF[(j + 1) * K + k] += w * q1;
    }
  }
  const outA = gA.slice(0, F * K);
  const outF = gF.slice(0, F * K);
  if (nIntervals === F) {
    for (let k = 0; k < K; k++) {
      outA[(F - 1) * K + k] += gA[F * K + k];
      outF[(F - 1) * K + k] += gF[F * K + k];
    }
  }
  return { amplitudes: wrapLike(s.A, outA, F), frequencies: wrapLike(s.Fq, outF, F), initialPhase: acc };
}

export interface HarmonicToSinusoidalOptions {
  /** Harmonics at or above sampleRate/2 are removed and the rest renormalised. Default 16000. */
  sampleRate?: number;
}

/**
 * DDSP's harmonic_to_sinusoidal: frequencies f0·k and amplitudes A·normalizeHarmonics(D, f0, sr),
 * both [F, K]. VJP: Ā = Σ_k ā_k·d_k, D̄ through normalizeHarmonics, f̄0 = Σ_k k·f̄_k.
 * @example harmonicToSinusoidal(f64(10), frames(f64(1, 1, 1), 1, 3), f64(440)) // amps 10/3 each
 */
export function harmonicToSinusoidal(
  amplitude: Signal,
  distribution: Signal,
  f0Hz: Signal,
  opts: HarmonicToSinusoidalOptions = {},
): { amplitudes: Signal; frequencies: Signal } {
  const { A, D, f0, sampleRate } = readH2S('harmonicToSinusoidal', amplitude, distribution, f0Hz, opts);
  const nd = normalizeHarmonics(distribution, f0Hz, { sampleRate }) as Signal;
  const d = readLayout('harmonicToSinusoidal', 'distribution', nd).data;
  const K = D.c;
  const amps = new Float64Array(D.n * K);
  const freqs = new Float64Array(D.n * K);
  for (let j = 0; j < D.n; j++) {
    for (let k = 0; k < K; k++) {
      amps[j * K + k] = A[j] * d[j * K + k];
      freqs[j * K + k] = f0[j] * (k + 1);
    }
  }
  const like = { ...D, shaped: true };
  return { amplitudes: wrapLike(like, amps, D.n), frequencies: wrapLike(like, freqs, D.n) };
}

function readH2S(fn: string, amplitude: unknown, distribution: unknown, f0Hz: unknown, opts: HarmonicToSinusoidalOptions) {
  const A = readLayout(fn, 'amplitude', amplitude).data;
  const D = readLayout(fn, 'distribution', distribution);
  const f0 = readLayout(fn, 'f0Hz', f0Hz).data;
  if (A.length !== D.n || f0.length !== D.n) {
    fail(fn, `amplitude, distribution and f0Hz must have the same number of frames (got ${A.length}, ${D.n} and ${f0.length})`);
  }
  const { sampleRate = 16000 } = readOptions(fn, opts, ['sampleRate']);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  return { A, D, f0, sampleRate };
}

/** VJP of {@link harmonicToSinusoidal}. */
export function harmonicToSinusoidalVjp<A extends Signal, D extends Signal, Q extends Signal>(
  g: { amplitudes: Signal; frequencies: Signal },
  amplitude: A,
  distribution: D,
  f0Hz: Q,
  opts: HarmonicToSinusoidalOptions = {},
): { amplitude: A; distribution: D; f0Hz: Q } {
  const fn = 'harmonicToSinusoidalVjp';
  const { A, D, sampleRate } = readH2S(fn, amplitude, distribution, f0Hz, opts);
  const K = D.c;
  const ga = readLayout(fn, 'g.amplitudes', g?.amplitudes).data;
  const gf = readLayout(fn, 'g.frequencies', g?.frequencies).data;
  if (ga.length !== D.n * K || gf.length !== D.n * K) fail(fn, `g.amplitudes and g.frequencies must have ${D.n * K} values`);
  const nd = readLayout(fn, 'distribution', normalizeHarmonics(distribution, f0Hz, { sampleRate }) as Signal).data;
  const gAmp = new Float64Array(D.n);
  const gNd = new Float64Array(D.n * K);
  const gF0 = new Float64Array(D.n);
  for (let j = 0; j < D.n; j++) {
    let sa = 0;
    let sf = 0;
    for (let k = 0; k < K; k++) {
      sa += ga[j * K + k] * nd[j * K + k];
      gNd[j * K + k] = ga[j * K + k] * A[j];
      sf += gf[j * K + k] * (k + 1);
    }
    gAmp[j] = sa;
    gF0[j] = sf;
  }
  const gD = normalizeHarmonicsVjp(wrapLike(D, gNd, D.n) as Signal, distribution as Signal, f0Hz, { sampleRate });
  const Al = readLayout(fn, 'amplitude', amplitude);
  const Fl = readLayout(fn, 'f0Hz', f0Hz);
  return { amplitude: wrapLike(Al, gAmp, Al.n), distribution: gD as D, f0Hz: wrapLike(Fl, gF0, Fl.n) };
}
