/**
 * RBJ Audio-EQ-Cookbook biquads from per-sample frequency (Hz), Q and gain (dB), normalised by
 * a0, differentiable in all three. With w = 2πf/sr, α = sin w/(2Q), A = 10^(gain/40):
 *   lowpass   b = ((1−cos w)/2, 1−cos w, (1−cos w)/2),   a = (1+α, −2cos w, 1−α)
 *   highpass  b = ((1+cos w)/2, −(1+cos w), (1+cos w)/2), a as lowpass
 *   bandpass  b = (α, 0, −α) (0 dB peak),   notch b = (1, −2cos w, 1),   allpass b = (1−α, −2cos w, 1+α)
 *   peaking   b = (1+αA, −2cos w, 1−αA),   a = (1+α/A, −2cos w, 1−α/A)
 *   lowshelf / highshelf: the cookbook's shelf formulas with 2√A·α.
 * The VJP carries (∂/∂f, ∂/∂Q, ∂/∂gain) of each raw coefficient alongside its value (exact
 * forward-mode derivatives of these closed forms), then c = r/a0 gives ∂c = (∂r − c·∂a0)/a0.
 */
import { checkOneOf, checkPositive, fail, readOptions } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';
import type { BiquadCoefficients } from './iir.ts';

export type RbjType = 'lowpass' | 'highpass' | 'bandpass' | 'notch' | 'allpass' | 'peaking' | 'lowshelf' | 'highshelf';
const TYPES: readonly RbjType[] = ['lowpass', 'highpass', 'bandpass', 'notch', 'allpass', 'peaking', 'lowshelf', 'highshelf'];

/** A value with its partials with respect to (f, Q, gain). */
type D = [number, number, number, number];
const add = (a: D, b: D): D => [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
const sub = (a: D, b: D): D => [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]];
const mul = (a: D, b: D): D => [a[0] * b[0], a[1] * b[0] + a[0] * b[1], a[2] * b[0] + a[0] * b[2], a[3] * b[0] + a[0] * b[3]];
const k = (c: number): D => [c, 0, 0, 0];
const sc = (c: number, a: D): D => [c * a[0], c * a[1], c * a[2], c * a[3]];
const div = (a: D, b: D): D => {
  const v = a[0] / b[0];
  return [v, (a[1] - v * b[1]) / b[0], (a[2] - v * b[2]) / b[0], (a[3] - v * b[3]) / b[0]];
};

/** Raw (b0, b1, b2, a0, a1, a2) with partials, for one sample. */
function raw(type: RbjType, f: number, q: number, g: number, sr: number): D[] {
  const dw = (2 * Math.PI) / sr;
  const w = f * dw;
  const cw: D = [Math.cos(w), -Math.sin(w) * dw, 0, 0];
  const sw = Math.sin(w);
  const alpha: D = [sw / (2 * q), (Math.cos(w) * dw) / (2 * q), -sw / (2 * q * q), 0];
  const A0 = Math.pow(10, g / 40);
  const A: D = [A0, 0, 0, (A0 * Math.LN10) / 40];
  const sqrtA: D = [Math.sqrt(A0), 0, 0, (Math.sqrt(A0) * Math.LN10) / 80];
  const one = k(1);
  const m2cw = sc(-2, cw);
  switch (type) {
    case 'lowpass': {
      const h = sc(0.5, sub(one, cw));
      return [h, sub(one, cw), h, add(one, alpha), m2cw, sub(one, alpha)];
    }
    case 'highpass': {
      const h = sc(0.5, add(one, cw));
      return [h, sc(-1, add(one, cw)), h, add(one, alpha), m2cw, sub(one, alpha)];
    }
    case 'bandpass':
      return [alpha, k(0), sc(-1, alpha), add(one, alpha), m2cw, sub(one, alpha)];
    case 'notch':
      return [one, m2cw, one, add(one, alpha), m2cw, sub(one, alpha)];
    case 'allpass':
      return [sub(one, alpha), m2cw, add(one, alpha), add(one, alpha), m2cw, sub(one, alpha)];
    case 'peaking': {
      const aA = mul(alpha, A);
      const aOverA = div(alpha, A);
      return [add(one, aA), m2cw, sub(one, aA), add(one, aOverA), m2cw, sub(one, aOverA)];
    }
    case 'lowshelf':
    case 'highshelf': {
      const s = type === 'lowshelf' ? 1 : -1;
      const Ap1 = add(A, one);
      const Am1 = sub(A, one);
      const t = sc(2, mul(sqrtA, alpha));
      const am1cw = sc(s, mul(Am1, cw));
      const ap1cw = mul(Ap1, cw);
      return [
        mul(A, add(sub(Ap1, am1cw), t)),
        sc(2 * s, mul(A, sub(Am1, sc(s, ap1cw)))),
        mul(A, sub(sub(Ap1, am1cw), t)),
        add(add(Ap1, am1cw), t),
        sc(-2 * s, add(Am1, sc(s, ap1cw))),
        sub(add(Ap1, am1cw), t),
      ];
    }
  }
}

function readDesign(fn: string, type: unknown, freqHz: unknown, q: unknown, gainDb: unknown, opts: { sampleRate?: number }) {
  checkOneOf(fn, 'type', type, TYPES);
  const f = readLayout(fn, 'freqHz', freqHz).data;
  const Q = readLayout(fn, 'q', q).data;
  const G = readLayout(fn, 'gainDb', gainDb).data;
  if (Q.length !== f.length || G.length !== f.length) fail(fn, `freqHz, q and gainDb must have the same length (got ${f.length}, ${Q.length} and ${G.length})`);
  const { sampleRate = 16000 } = readOptions(fn, opts, ['sampleRate']);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  for (let i = 0; i < f.length; i++) {
    if (!(f[i] > 0 && f[i] < sampleRate / 2)) fail(fn, `freqHz[${i}] is ${f[i]}; expected 0 < f < Nyquist (${sampleRate / 2})`);
    // Outside these ranges α = sin ω/(2Q) or A = 10^(gain/40) overflow and the coefficients are NaN.
    if (!(Q[i] >= 1e-6 && Q[i] <= 1e6)) fail(fn, `q[${i}] is ${Q[i]}; expected a Q in [1e-6, 1e6]`);
    if (!(Math.abs(G[i]) <= 240)) fail(fn, `gainDb[${i}] is ${G[i]}; expected a gain within ±240 dB`);
  }
  return { type: type as RbjType, f, Q, G, sampleRate };
}

/**
 * Per-sample RBJ biquad coefficients.
 * @example biquad(x, rbjBiquad('peaking', freq, q, gainDb, { sampleRate: 48000 }))
 */
export function rbjBiquad(type: RbjType, freqHz: Float64Array, q: Float64Array, gainDb: Float64Array, opts: { sampleRate?: number } = {}): BiquadCoefficients {
  const d = readDesign('rbjBiquad', type, freqHz, q, gainDb, opts);
  const n = d.f.length;
  const c = { b0: new Float64Array(n), b1: new Float64Array(n), b2: new Float64Array(n), a1: new Float64Array(n), a2: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const [b0, b1, b2, a0, a1, a2] = raw(d.type, d.f[i], d.Q[i], d.G[i], d.sampleRate).map((v) => v[0]);
    c.b0[i] = b0 / a0;
    c.b1[i] = b1 / a0;
    c.b2[i] = b2 / a0;
    c.a1[i] = a1 / a0;
    c.a2[i] = a2 / a0;
  }
  return c;
}

/** VJP of {@link rbjBiquad}: coefficient cotangents → (freqHz, q, gainDb) cotangents. */
export function rbjBiquadVjp(
  g: BiquadCoefficients,
  type: RbjType,
  freqHz: Float64Array,
  q: Float64Array,
  gainDb: Float64Array,
  opts: { sampleRate?: number } = {},
): { freqHz: Float64Array; q: Float64Array; gainDb: Float64Array } {
  const d = readDesign('rbjBiquadVjp', type, freqHz, q, gainDb, opts);
  const n = d.f.length;
  const gs = (['b0', 'b1', 'b2', 'a1', 'a2'] as const).map((key) => {
    const v = readLayout('rbjBiquadVjp', `g.${key}`, g?.[key]).data;
    if (v.length !== n) fail('rbjBiquadVjp', `g.${key} must have ${n} values`);
    return v;
  });
  const gf = new Float64Array(n);
  const gq = new Float64Array(n);
  const gg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [b0, b1, b2, a0, a1, a2] = raw(d.type, d.f[i], d.Q[i], d.G[i], d.sampleRate);
    [b0, b1, b2, a1, a2].forEach((r, j) => {
      const c = div(r, a0);
      gf[i] += gs[j][i] * c[1];
      gq[i] += gs[j][i] * c[2];
      gg[i] += gs[j][i] * c[3];
    });
  }
  return { freqHz: gf, q: gq, gainDb: gg };
}
