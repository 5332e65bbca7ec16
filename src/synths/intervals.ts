/**
 * How the synths upsample frame-rate controls: sample n = j·hop + t lies in the interval between
 * frames j and j+1 (the last frame repeated when `addEndpoint`, as DDSP holds it for the final
 * hop). Amplitudes crossfade by α[t] (DDSP's overlapping Hann windows, or linear); frequencies
 * and wavetables interpolate linearly, u = t/hop, which is TF1's resize with DDSP's alignment.
 */
import { checkBoolean, checkOneOf, checkPositive, checkSize, fail, readOptions } from '../core/errors.ts';

export type AmpResample = 'window' | 'linear';

export interface IntervalPlan {
  nIntervals: number;
  hop: number;
}

/** The intervals of F frames over nSamples samples; nSamples must be a whole number of hops. */
export function intervalPlan(fn: string, F: number, nSamples: number, addEndpoint: boolean): IntervalPlan {
  const nIntervals = addEndpoint ? F : F - 1;
  if (nIntervals < 1) fail(fn, `needs at least ${addEndpoint ? 1 : 2} frames (got ${F})`);
  if (nSamples % nIntervals !== 0) {
    fail(fn, `opts.nSamples must be a multiple of the ${nIntervals} frame intervals (got ${nSamples}, ratio ${(nSamples / nIntervals).toFixed(4)})`);
  }
  return { nIntervals, hop: nSamples / nIntervals };
}

const cache = new Map<string, Float64Array>();

/** α[t], t < hop: ½ − ½·cos(πt/hop) for 'window', t/hop for 'linear'. */
export function crossfade(hop: number, method: AmpResample): Float64Array {
  const key = `${method}:${hop}`;
  let a = cache.get(key);
  if (a === undefined) {
    a = new Float64Array(hop);
    for (let t = 0; t < hop; t++) a[t] = method === 'window' ? 0.5 - 0.5 * Math.cos((Math.PI * t) / hop) : t / hop;
    if (cache.size > 64) cache.clear();
    cache.set(key, a);
  }
  return a;
}

/** Number of harmonics k = 1…K with k·f < nyq. */
export function harmonicsBelow(f: number, nyq: number, K: number): number {
  if (f <= 0) return K;
  let m = Math.ceil(nyq / f) - 1;
  if (m > K) m = K;
  if (m < 0) m = 0;
  while (m > 0 && m * f >= nyq) m--;
  while (m < K && (m + 1) * f < nyq) m++;
  return m;
}

/**
 * The harmonic synth VJP's last steps, from per-sample phase cotangents gφ and per-frame harmonic
 * amplitude cotangents gH [(nIntervals + 1)·K] (added to in place): the reverse sweep
 * f̄(n) = w·(Σ_{m≥n} gφ[m] + φ̄_final) scattered to frames by the linear interpolation's transpose,
 * the held endpoint folded back onto the last frame, and H = A·D's product rule.
 * Returns the amplitude, distribution and f0 cotangents and the initial phase's (acc).
 */
export function foldHarmonicCotangents(
  gPhi: ArrayLike<number>, gH: Float64Array, amp: Float64Array, dist: Float64Array,
  F: number, K: number, nIntervals: number, hop: number, w: number, gPhase: number,
): { gAmp: Float64Array; gDist: Float64Array; gF0: Float64Array; acc: number } {
  const gF0i = new Float64Array(nIntervals + 1);
  let acc = gPhase;
  for (let j = nIntervals - 1, n = nIntervals * hop - 1; j >= 0; j--) {
    let ga = 0;
    let gb = 0;
    for (let t = hop - 1; t >= 0; t--, n--) {
      acc += gPhi[n];
      const gf = w * acc;
      const u = t / hop;
      ga += (1 - u) * gf;
      gb += u * gf;
    }
    gF0i[j] += ga;
    gF0i[j + 1] += gb;
  }
  const gF0 = gF0i.slice(0, F);
  if (nIntervals === F) {
    gF0[F - 1] += gF0i[F];
    for (let k = 0; k < K; k++) gH[(F - 1) * K + k] += gH[F * K + k];
  }
  const gAmp = new Float64Array(F);
  const gDist = new Float64Array(F * K);
  for (let j = 0; j < F; j++) {
    let ga = 0;
    for (let k = 0; k < K; k++) {
      const gh = gH[j * K + k];
      ga += gh * dist[j * K + k];
      gDist[j * K + k] = gh * amp[j];
    }
    gAmp[j] = ga;
  }
  return { gAmp, gDist, gF0, acc };
}

/** Wrap an angle into [0, 2π). */
export function wrapPhase(p: number): number {
  const TWO_PI = 2 * Math.PI;
  return p >= 0 && p < TWO_PI ? p : p - TWO_PI * Math.floor(p / TWO_PI);
}

export interface UpsamplingOptions {
  nSamples: number;
  sampleRate?: number;
  ampResample?: AmpResample;
  addEndpoint?: boolean;
}

/**
 * The options every frame-rate synth shares, validated once: output length, sample rate,
 * amplitude upsampling and endpoint, with the interval plan and crossfade they imply.
 */
export function readUpsampling(fn: string, F: number, opts: UpsamplingOptions, keys: readonly string[]) {
  if (opts === undefined) fail(fn, 'opts.nSamples is required');
  const { nSamples, sampleRate = 16000, ampResample = 'window', addEndpoint = true } = readOptions(fn, opts, keys);
  checkSize(fn, 'opts.nSamples', nSamples, 1);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkOneOf(fn, 'opts.ampResample', ampResample, ['window', 'linear'] as const);
  checkBoolean(fn, 'opts.addEndpoint', addEndpoint);
  const plan = intervalPlan(fn, F, nSamples, addEndpoint);
  return { nSamples, sampleRate, ...plan, alpha: crossfade(plan.hop, ampResample) };
}
