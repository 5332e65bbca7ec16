/**
 * DDSP's oscillator bank: sample-rate frequencies and amplitudes [T, K] → audio [T].
 *   φ[n,k] = φ₀[k] + 2π·Σ_{m≤n} f[m,k]/sr      (inclusive running sum, as DDSP; float64, wrapped to [0, 2π))
 *   y[n]   = Σ_k a[n,k]·𝟙(f[n,k] < sr/2)·sin φ[n,k]
 * The final phase is returned so that the next block can continue from it (streaming).
 */
import { checkPositive, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout, wrapLike, type Signal } from '../core/frames.ts';

const TWO_PI = 2 * Math.PI;

export interface OscillatorBankOptions {
  /** Sample rate in Hz. Default 16000. */
  sampleRate?: number;
  /** Phase of each partial before the first sample, radians (length K). Default zeros. */
  initialPhase?: Float64Array;
}

export interface OscillatorBankOutput {
  audio: Float64Array;
  /** Phase of each partial after the last sample, wrapped to [0, 2π) (length K). */
  phase: Float64Array;
}

function readBank(fn: string, frequencies: unknown, amplitudes: unknown, opts: OscillatorBankOptions) {
  const F = readLayout(fn, 'frequencies', frequencies);
  const A = readLayout(fn, 'amplitudes', amplitudes);
  if (F.n !== A.n || F.c !== A.c) {
    fail(fn, `frequencies and amplitudes must have the same shape (got [${F.n}, ${F.c}] and [${A.n}, ${A.c}])`);
  }
  const { sampleRate = 16000, initialPhase } = readOptions(fn, opts, optionKeys<OscillatorBankOptions>()('sampleRate', 'initialPhase'));
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  const phase0 = new Float64Array(F.c);
  if (initialPhase !== undefined) {
    const P = readLayout(fn, 'opts.initialPhase', initialPhase);
    if (P.data.length !== F.c) fail(fn, `opts.initialPhase must have one value per partial (${F.c}), got ${P.data.length}`);
    phase0.set(P.data);
  }
  return { f: F.data, a: A.data, T: F.n, K: F.c, sampleRate, phase0, like: A };
}

/** Wrap a phase into [0, 2π). */
function wrap(p: number): number {
  return p >= 0 && p < TWO_PI ? p : p - TWO_PI * Math.floor(p / TWO_PI);
}

/**
 * Sum of sinusoids with running phases; partials at or above Nyquist are silent (a hard mask
 * on the per-sample frequency, as DDSP).
 * @example
 *   // one partial at sr/4: y[n] = sin(π/2·(n+1))
 *   oscillatorBank(Float64Array.of(4000, 4000, 4000), Float64Array.of(1, 1, 1)).audio // ≈ [1, 0, −1]
 */
export function oscillatorBank(frequencies: Signal, amplitudes: Signal, opts: OscillatorBankOptions = {}): OscillatorBankOutput {
  const { f, a, T, K, sampleRate, phase0 } = readBank('oscillatorBank', frequencies, amplitudes, opts);
  const nyq = sampleRate / 2;
  const w = TWO_PI / sampleRate;
  const audio = new Float64Array(T);
  const phase = phase0.map(wrap);
  for (let n = 0, i = 0; n < T; n++) {
    let y = 0;
    for (let k = 0; k < K; k++, i++) {
      const fk = f[i];
      const p = wrap(phase[k] + w * fk);
      phase[k] = p;
      if (fk < nyq) y += a[i] * Math.sin(p);
    }
    audio[n] = y;
  }
  return { audio, phase };
}

export interface OscillatorBankGrads<T extends Signal = Signal> {
  frequencies: T;
  amplitudes: T;
  initialPhase: Float64Array;
}

/**
 * VJP of {@link oscillatorBank}. With gφ[n,k] = ȳ[n]·a[n,k]·𝟙·cos φ[n,k]:
 *   ā[n,k] = ȳ[n]·𝟙·sin φ[n,k]
 *   f̄[n,k] = (2π/sr)·(Σ_{m≥n} gφ[m,k] + φ̄_final[k])     (a reverse running sum)
 *   φ̄₀[k]  = Σ_n gφ[n,k] + φ̄_final[k]
 * At the Nyquist mask the gradient is that of a constant 0: a masked sample contributes nothing
 * to ā or gφ, and no gradient flows through the mask's step in f.
 */
export function oscillatorBankVjp<T extends Signal>(
  gAudio: Float64Array,
  frequencies: T,
  amplitudes: T,
  opts: OscillatorBankOptions = {},
  gPhase?: Float64Array,
): OscillatorBankGrads<T> {
  const { f, a, T: n0, K, sampleRate, phase0, like } = readBank('oscillatorBankVjp', frequencies, amplitudes, opts);
  const g = readLayout('oscillatorBankVjp', 'gAudio', gAudio).data;
  if (g.length !== n0) fail('oscillatorBankVjp', `gAudio must have ${n0} samples (got ${g.length})`);
  let gFinal: Float64Array | undefined;
  if (gPhase !== undefined) {
    gFinal = readLayout('oscillatorBankVjp', 'gPhase', gPhase).data;
    if (gFinal.length !== K) fail('oscillatorBankVjp', `gPhase must have ${K} values (got ${gFinal.length})`);
  }
  const nyq = sampleRate / 2;
  const w = TWO_PI / sampleRate;
  const ga = new Float64Array(a.length);
  const gf = new Float64Array(f.length);
  const phase = phase0.map(wrap);
  for (let n = 0, i = 0; n < n0; n++) {
    const gy = g[n];
    for (let k = 0; k < K; k++, i++) {
      const fk = f[i];
      const p = wrap(phase[k] + w * fk);
      phase[k] = p;
      if (fk < nyq) {
        ga[i] = gy * Math.sin(p);
        gf[i] = gy * a[i] * Math.cos(p);
      }
    }
  }
  // gf holds gφ; turn it into (2π/sr)·(reverse running sum + φ̄_final).
  const initialPhase = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = gFinal ? gFinal[k] : 0;
    for (let i = (n0 - 1) * K + k; i >= 0; i -= K) {
      s += gf[i];
      gf[i] = w * s;
    }
    initialPhase[k] = s;
  }
  return { frequencies: wrapLike(like, gf, n0), amplitudes: wrapLike(like, ga, n0), initialPhase };
}
