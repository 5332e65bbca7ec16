/**
 * The harmonic synthesizer on the GPU (internal; `ddsp/gpu` exposes it), batched over examples:
 * one thread per output sample of every example. The phase — a running sum over all samples — is
 * accumulated in float64 on the CPU and wrapped to [0, 2π) before upload (float32 cannot carry a
 * 64000-sample sum); so is each sample's count of harmonics below Nyquist. The kernels sum the
 * harmonics (forward), the per-interval products that make the harmonic amplitudes' cotangents and
 * the per-sample phase cotangents (VJP); the reverse sweep from phase to f0 and the fold onto
 * amplitude and distribution run in float64 on the CPU (foldHarmonicCotangents, shared with the
 * CPU VJP).
 */
import { checkPositive, fail, readOptions } from '../core/errors.ts';
import { readLayout, type Signal } from '../core/frames.ts';
import { HARMONIC_KEYS, type HarmonicSynthOptions } from '../synths/harmonic.ts';
import { crossfade, foldHarmonicCotangents, harmonicsBelow, intervalPlan, wrapPhase } from '../synths/intervals.ts';
import type { Buf, Device } from './device.ts';
import { kernelSource } from './device.ts';

export interface HarmonicInputs {
  amplitude: Signal;
  distribution: Signal;
  f0Hz: Signal;
}

/** Validated inputs of a batch and the CPU-side float64 preparation shared by forward and VJP. */
export interface HarmonicPlan {
  B: number;
  nSamples: number;
  w: number;
  K: number;
  F: number;
  hop: number;
  nIntervals: number;
  amps: Float64Array[];
  dists: Float64Array[];
  alpha: Float32Array;
  /** Wrapped phase per sample, [B, nSamples]. */
  phase: Float32Array;
  /** Harmonics below Nyquist per sample, [B, nSamples]. */
  below: Float32Array;
  /** Harmonic amplitudes A·D per interval endpoint, [B, nIntervals + 1, K]. */
  H: Float32Array;
}

export function planHarmonic(fn: string, items: readonly HarmonicInputs[], o: HarmonicSynthOptions): HarmonicPlan {
  if (o === undefined) fail(fn, 'opts.nSamples is required');
  const { nSamples, sampleRate = 16000, ampResample = 'window', addEndpoint = true, initialPhase = 0 } = readOptions(fn, o, HARMONIC_KEYS);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  const B = items.length;
  let F = 0;
  let K = 0;
  const layouts = items.map((it, b) => {
    const at = B > 1 ? `[${b}]` : '';
    const A = readLayout(fn, `amplitude${at}`, it.amplitude);
    const D = readLayout(fn, `distribution${at}`, it.distribution);
    const F0 = readLayout(fn, `f0Hz${at}`, it.f0Hz);
    if (A.n !== D.n || F0.n !== D.n || A.c !== 1 || F0.c !== 1) fail(fn, `amplitude${at} [F], distribution${at} [F, K] and f0Hz${at} [F] must have the same frames (got ${A.n}, ${D.n}, ${F0.n})`);
    if (b === 0) {
      F = D.n;
      K = D.c;
    } else if (D.n !== F || D.c !== K) fail(fn, `every example must have the first one's ${F} frames and ${K} harmonics (example ${b} has ${D.n} and ${D.c})`);
    return { A, D, F0 };
  });
  const { nIntervals, hop } = intervalPlan(fn, F, nSamples, addEndpoint);
  const w = (2 * Math.PI) / sampleRate;
  const phase = new Float32Array(B * nSamples);
  const below = new Float32Array(B * nSamples);
  const H = new Float32Array(B * (nIntervals + 1) * K);
  layouts.forEach(({ A, D, F0 }, b) => {
    const f0 = F0.data;
    let phi = wrapPhase(initialPhase);
    for (let j = 0, n = b * nSamples; j < nIntervals; j++) {
      const fa = f0[j < F ? j : F - 1];
      const fd = f0[j + 1 < F ? j + 1 : F - 1] - fa;
      for (let t = 0; t < hop; t++, n++) {
        const f = fa + (t / hop) * fd;
        phi = wrapPhase(phi + w * f);
        phase[n] = phi;
        below[n] = harmonicsBelow(f, sampleRate / 2, K);
      }
    }
    // The last frame repeats for the interval after it.
    for (let j = 0, o2 = b * (nIntervals + 1) * K; j <= nIntervals; j++) {
      const src = j < F ? j : F - 1;
      for (let k = 0; k < K; k++) H[o2 + j * K + k] = A.data[src] * D.data[src * K + k];
    }
  });
  return {
    B, nSamples, w, K, F, hop, nIntervals, amps: layouts.map((l) => l.A.data), dists: layouts.map((l) => l.D.data),
    alpha: Float32Array.from(crossfade(hop, ampResample)), phase, below, H,
  };
}

/**
 * sin and cos of x ≥ 0 after reducing x to [−π, π] in two steps (2π = 6.28125 + 0.00193530717958…;
 * n·6.28125 is exact in float32 for n < 2^15): GPUs' sin and cos are accurate on [−π, π], not on
 * the (k+1)·φ of a high harmonic (up to ~630 rad for 100 harmonics).
 */
const sinr = kernelSource(`function sinr(x) {
  const n = Math.floor(x * 0.15915494309189535 + 0.5);
  return Math.sin(x - n * 6.28125 - n * 0.0019353071795864769);
}`);

const cosr = kernelSource(`function cosr(x) {
  const n = Math.floor(x * 0.15915494309189535 + 0.5);
  return Math.cos(x - n * 6.28125 - n * 0.0019353071795864769);
}`);

const TRIG = [sinr, cosr];

/**
 * A kernel that sums over the harmonics at one sample of one example: `term` is harmonic k's
 * contribution, given its interpolated amplitude `hk` and the sample's wrapped phase `q`.
 */
function harmonicSum(name: string, args: string, term: string, result: string) {
  return kernelSource(`function ${name}(${args}) {
  const i = this.thread.x;
  const b = idiv(i, this.constants.nSamples);
  const n = i - b * this.constants.nSamples;
  const j = idiv(n, this.constants.hop);
  const t = n - j * this.constants.hop;
  const a = al[t];
  const q = ph[i];
  const mm = m[i];
  const base = (b * this.constants.nI1 + j) * this.constants.K;
  let acc = 0;
  for (let k = 0; k < this.constants.K; k++) {
    if (k < mm) {
      const h0 = h[base + k];
      const hk = h0 + a * (h[base + this.constants.K + k] - h0);
      acc += ${term};
    }
  }
  return ${result};
}`);
}

/** The audio: Σ_k h_k·sin((k+1)φ) below Nyquist. */
const synth = harmonicSum('synth', 'ph, m, h, al', 'hk * sinr((k + 1) * q)', 'acc');

/**
 * Cotangents of H[b, j, k] (j ≤ nIntervals): Σ over interval j of ȳ(1 − α)·sin((k+1)φ), plus over
 * interval j − 1 of ȳ·α·sin((k+1)φ); harmonics at or above Nyquist contribute nothing.
 */
const gradH = kernelSource(`function gradH(yb, ph, m, al) {
  const i = this.thread.x;
  const row = idiv(i, this.constants.K);
  const k = i - row * this.constants.K;
  const b = idiv(row, (this.constants.nIntervals + 1));
  const j = row - b * (this.constants.nIntervals + 1);
  const off = b * this.constants.nSamples;
  let acc = 0;
  for (let t = 0; t < this.constants.hop; t++) {
    if (j < this.constants.nIntervals) {
      const n = off + j * this.constants.hop + t;
      if (k < m[n]) acc += yb[n] * (1 - al[t]) * sinr((k + 1) * ph[n]);
    }
    if (j >= 1) {
      const n2 = off + (j - 1) * this.constants.hop + t;
      if (k < m[n2]) acc += yb[n2] * al[t] * sinr((k + 1) * ph[n2]);
    }
  }
  return acc;
}`);

/** Phase cotangents per sample: ȳ·Σ_k (k+1)·h_k·cos((k+1)φ). */
const gradPhase = harmonicSum('gradPhase', 'yb, ph, m, h, al', '(k + 1) * hk * cosr((k + 1) * q)', 'yb[i] * acc');

/** The audio of every example, [B, nSamples], on the device. */
export function synthesize(dev: Device, p: HarmonicPlan): Promise<Buf> {
  const k = dev.kernel('synth', synth, p.B * p.nSamples, { K: p.K, hop: p.hop, nSamples: p.nSamples, nI1: p.nIntervals + 1 }, TRIG);
  return dev.run(k, p.phase, p.below, p.H, p.alpha);
}

export interface HarmonicGrads {
  amplitude: Float64Array;
  distribution: Float64Array;
  f0Hz: Float64Array;
  initialPhase: number;
}

/**
 * The VJP for every example, from the audio cotangent [B, nSamples] (on the device or not).
 * Without `withF0` the phase kernel is skipped and the f0 cotangents are zero (training a decoder:
 * f0 is data).
 */
export async function synthesizeBackward(dev: Device, p: HarmonicPlan, gy: Buf, withF0 = true): Promise<HarmonicGrads[]> {
  const { B, K, hop, nSamples, nIntervals, F, w } = p;
  const kH = dev.kernel('gradH', gradH, B * (nIntervals + 1) * K, { K, hop, nSamples, nIntervals }, TRIG);
  const bH = await dev.run(kH, gy, p.phase, p.below, p.alpha);
  let gPhi: Float32Array = new Float32Array(B * nSamples);
  if (withF0) {
    const kP = dev.kernel('gradPhase', gradPhase, B * nSamples, { K, hop, nSamples, nI1: nIntervals + 1 }, TRIG);
    const bP = await dev.run(kP, gy, p.phase, p.below, p.H, p.alpha);
    gPhi = await dev.read(bP);
    dev.free(bP);
  }
  const gH = await dev.read(bH);
  dev.free(bH);
  const out: HarmonicGrads[] = [];
  const rows = (nIntervals + 1) * K;
  for (let b = 0; b < B; b++) {
    // CPU, float64: the reverse sweep to f0, the endpoint fold and the product rule, as the CPU VJP.
    const r = foldHarmonicCotangents(gPhi.subarray(b * nSamples, (b + 1) * nSamples), Float64Array.from(gH.subarray(b * rows, (b + 1) * rows)), p.amps[b], p.dists[b], F, K, nIntervals, hop, w, 0);
    out.push({ amplitude: r.gAmp, distribution: r.gDist, f0Hz: r.gF0, initialPhase: r.acc });
  }
  return out;
}
