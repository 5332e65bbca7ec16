/**
 * DDSP's wavetable synthesizer (`wavetable_synthesis` with `linear_lookup`), without per-sample
 * tables: the table at sample n is interpolated on the fly between its two frames.
 *   p[n]  = p₀ + Σ_{m<n} f0(m)/sr  (mod 1; cycles, an exclusive running sum as DDSP)
 *   x     = p[n]·W,  i = ⌊x⌋,  r = x − i
 *   y[n]  = a(n)·((1 − r)·T_n[i] + r·T_n[(i + 1) mod W]),   T_n = (1 − u)·T[j] + u·T[j+1]
 * Amplitudes crossfade with Hann windows (DDSP), f0 and tables interpolate linearly.
 * O(1) work per sample; VJP with respect to amplitude, wavetables and f0.
 */
import { checkNumber, fail, optionKeys } from '../core/errors.ts';
import { readLayout, wrapLike, type Signal } from '../core/frames.ts';
import { readUpsampling, type AmpResample } from './intervals.ts';

export interface WavetableSynthOptions {
  /** Output length, a multiple of the frame intervals. Required. */
  nSamples: number;
  /** Default 16000. */
  sampleRate?: number;
  /** Amplitude upsampling, 'window' (default) or 'linear'. */
  ampResample?: AmpResample;
  /** Hold the last frame for the final hop (default true, DDSP). */
  addEndpoint?: boolean;
  /** Phase before the first sample, in cycles. Default 0. */
  initialPhase?: number;
}

/** p mod 1 in [0, 1): p − ⌊p⌋ rounds to 1 for tiny negative p (−1e-20), which is mapped to 0. */
function frac1(p: number): number {
  if (p >= 0 && p < 1) return p;
  const r = p - Math.floor(p);
  return r < 1 ? r : 0;
}

/** The keys of {@link WavetableSynthOptions}. */
export const WAVETABLE_KEYS = optionKeys<WavetableSynthOptions>()('nSamples', 'sampleRate', 'ampResample', 'addEndpoint', 'initialPhase');

function readWavetable(fn: string, amplitude: unknown, wavetables: unknown, f0Hz: unknown, opts: WavetableSynthOptions) {
  if (opts === undefined) fail(fn, 'opts.nSamples is required');
  const A = readLayout(fn, 'amplitude', amplitude);
  const T = readLayout(fn, 'wavetables', wavetables);
  const F0 = readLayout(fn, 'f0Hz', f0Hz);
  const F = A.n;
  if (A.c !== 1 || F0.c !== 1) fail(fn, 'amplitude and f0Hz must have one channel');
  if (F0.n !== F) fail(fn, `amplitude and f0Hz must have the same number of frames (got ${F} and ${F0.n})`);
  // One table [W] (a 1-D array) is used for every frame; frames [F, W] must match F.
  const shared = !T.shaped;
  const W = shared ? T.n : T.c;
  if (!shared && T.n !== F) fail(fn, `wavetables must have one table per frame (${F}), got ${T.n}`);
  if (W < 2) fail(fn, `wavetables need at least 2 samples (got ${W})`);
  const up = readUpsampling(fn, F, opts, WAVETABLE_KEYS);
  const initialPhase = opts.initialPhase ?? 0;
  checkNumber(fn, 'opts.initialPhase', initialPhase);
  return { A, T, F0, F, W, shared, initialPhase, ...up };
}

/**
 * Wavetable synthesis with time-varying tables.
 * @example
 *   const sine = Float64Array.from({ length: 2048 }, (_, i) => Math.sin((2 * Math.PI * i) / 2048));
 *   wavetableSynth(f64(1, 1), sine, f64(440, 440), { nSamples: 128 }).audio // ≈ a 440 Hz sine
 */
export function wavetableSynth(amplitude: Signal, wavetables: Signal, f0Hz: Signal, opts: WavetableSynthOptions): { audio: Float64Array; phase: number } {
  const s = readWavetable('wavetableSynth', amplitude, wavetables, f0Hz, opts);
  const { F, W, shared, hop, nIntervals, alpha, sampleRate } = s;
  const a = s.A.data;
  const tab = s.T.data;
  const f0 = s.F0.data;
  const audio = new Float64Array(s.nSamples);
  let p = frac1(s.initialPhase);
  for (let j = 0, n = 0; j < nIntervals; j++) {
    const j0 = j < F ? j : F - 1;
    const j1 = j + 1 < F ? j + 1 : F - 1;
    const t0 = shared ? 0 : j0 * W;
    const t1 = shared ? 0 : j1 * W;
    const a0 = a[j0];
    const ad = a[j1] - a0;
    const fa = f0[j0];
    const fd = f0[j1] - fa;
    for (let t = 0; t < hop; t++, n++) {
      const u = t / hop;
      const x = p * W;
      const i = Math.floor(x);
      const r = x - i;
      const i1 = i + 1 === W ? 0 : i + 1;
      const lo = tab[t0 + i] + u * (tab[t1 + i] - tab[t0 + i]);
      const hi = tab[t0 + i1] + u * (tab[t1 + i1] - tab[t0 + i1]);
      audio[n] = (a0 + alpha[t] * ad) * (lo + r * (hi - lo));
      p = frac1(p + (fa + u * fd) / sampleRate);
    }
  }
  return { audio, phase: p };
}

/**
 * VJP of {@link wavetableSynth}: ā by the crossfade's transpose, T̄ scattered onto the four taps
 * of each sample, and f̄0 from ∂y/∂p = a·W·(T_n[i+1] − T_n[i]) through the exclusive running sum
 * (the derivative of the piecewise-linear lookup is taken on the segment the phase lies in).
 */
export function wavetableSynthVjp<A extends Signal, T extends Signal, Q extends Signal>(
  gAudio: Float64Array,
  amplitude: A,
  wavetables: T,
  f0Hz: Q,
  opts: WavetableSynthOptions,
  gPhase = 0,
): { amplitude: A; wavetables: T; f0Hz: Q; initialPhase: number } {
  const s = readWavetable('wavetableSynthVjp', amplitude, wavetables, f0Hz, opts);
  const { F, W, shared, hop, nIntervals, alpha, sampleRate, nSamples } = s;
  const g = readLayout('wavetableSynthVjp', 'gAudio', gAudio).data;
  if (g.length !== nSamples) fail('wavetableSynthVjp', `gAudio must have ${nSamples} samples (got ${g.length})`);
  checkNumber('wavetableSynthVjp', 'gPhase', gPhase);
  const a = s.A.data;
  const tab = s.T.data;
  const f0 = s.F0.data;
  const gA = new Float64Array(nIntervals + 1);
  const gT = new Float64Array(shared ? W : (nIntervals + 1) * W);
  const gp = new Float64Array(nSamples);
  let p = frac1(s.initialPhase);
  for (let j = 0, n = 0; j < nIntervals; j++) {
    const j0 = j < F ? j : F - 1;
    const j1 = j + 1 < F ? j + 1 : F - 1;
    const t0 = shared ? 0 : j0 * W;
    const t1 = shared ? 0 : j1 * W;
    const g0 = shared ? 0 : j * W;
    const g1 = shared ? 0 : (j + 1) * W;
    const a0 = a[j0];
    const ad = a[j1] - a0;
    const fa = f0[j0];
    const fd = f0[j1] - fa;
    for (let t = 0; t < hop; t++, n++) {
      const u = t / hop;
      const x = p * W;
      const i = Math.floor(x);
      const r = x - i;
      const i1 = i + 1 === W ? 0 : i + 1;
      const lo = tab[t0 + i] + u * (tab[t1 + i] - tab[t0 + i]);
      const hi = tab[t0 + i1] + u * (tab[t1 + i1] - tab[t0 + i1]);
      const at = alpha[t];
      const amp = a0 + at * ad;
      const gy = g[n];
      const look = lo + r * (hi - lo);
      gA[j] += (1 - at) * gy * look;
      gA[j + 1] += at * gy * look;
      const ga = gy * amp;
      gT[g0 + i] += (1 - u) * (1 - r) * ga;
      gT[g1 + i] += u * (1 - r) * ga;
      gT[g0 + i1] += (1 - u) * r * ga;
      gT[g1 + i1] += u * r * ga;
      gp[n] = ga * W * (hi - lo);
      p = frac1(p + (fa + u * fd) / sampleRate);
    }
  }
  // p[n] depends on f(m) for m < n: f̄(m) = (1/sr)·(Σ_{n>m} gp[n] + p̄_final).
  const gF = new Float64Array(nIntervals + 1);
  let acc = gPhase;
  for (let j = nIntervals - 1, n = nSamples - 1; j >= 0; j--) {
    for (let t = hop - 1; t >= 0; t--, n--) {
      const u = t / hop;
      const gf = acc / sampleRate;
      gF[j] += (1 - u) * gf;
      gF[j + 1] += u * gf;
      acc += gp[n];
    }
  }
  const fold = (v: Float64Array, width: number) => {
    const out = v.slice(0, F * width);
    if (nIntervals === F) for (let k = 0; k < width; k++) out[(F - 1) * width + k] += v[F * width + k];
    return out;
  };
  return {
    amplitude: wrapLike(s.A, fold(gA, 1), F),
    wavetables: (shared ? gT : wrapLike(s.T, fold(gT, W), F)) as T,
    f0Hz: wrapLike(s.F0, fold(gF, 1), F),
    initialPhase: acc,
  };
}
