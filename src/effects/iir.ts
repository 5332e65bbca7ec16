/**
 * Time-varying recursive filters with exact VJPs, O(T) time and memory (no unrolled graph).
 *
 * Biquad, per-sample coefficients (a0 normalised to 1), zero initial state:
 *   y[n] = b0[n]x[n] + b1[n]x[n−1] + b2[n]x[n−2] − a1[n]y[n−1] − a2[n]y[n−2]
 * Its VJP runs the adjoint recursion backwards in time,
 *   λ[n] = ȳ[n] − a1[n+1]λ[n+1] − a2[n+2]λ[n+2],
 * then b̄k[n] = λ[n]x[n−k], āk[n] = −λ[n]y[n−k], x̄[n] = Σ_k bk[n+k]λ[n+k].
 * One pole: y[n] = b[n]x[n] + a[n]y[n−1];  λ[n] = ȳ[n] + a[n+1]λ[n+1], b̄ = λx, ā = λ·y[n−1], x̄ = bλ.
 * Coefficients must be stable at every sample (|a| < 1; for the biquad |a2| < 1 and
 * |a1| < 1 + a2), else a DdspError names the sample.
 */
import { fail } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';

export interface BiquadCoefficients {
  b0: Float64Array;
  b1: Float64Array;
  b2: Float64Array;
  a1: Float64Array;
  a2: Float64Array;
}

const NAMES = ['b0', 'b1', 'b2', 'a1', 'a2'] as const;

function readCoefs(fn: string, c: BiquadCoefficients, n: number): BiquadCoefficients {
  if (c === null || typeof c !== 'object') fail(fn, 'coefficients must be a record { b0, b1, b2, a1, a2 } of per-sample arrays');
  const out = {} as Record<(typeof NAMES)[number], Float64Array>;
  for (const k of NAMES) {
    const v = readLayout(fn, `coefficients.${k}`, (c as unknown as Record<string, unknown>)[k]).data;
    if (v.length !== n) fail(fn, `coefficients.${k} must have one value per sample (${n}), got ${v.length}`);
    out[k] = v;
  }
  for (let i = 0; i < n; i++) {
    const a1 = out.a1[i];
    const a2 = out.a2[i];
    if (!(Math.abs(a2) < 1 && Math.abs(a1) < 1 + a2)) {
      fail(fn, `unstable coefficients at sample ${i} (a1 = ${a1}, a2 = ${a2}); need |a2| < 1 and |a1| < 1 + a2`);
    }
  }
  return out;
}

/** The biquad recursion (the CPU kernel). */
function biquadKernel(x: Float64Array, c: BiquadCoefficients, y: Float64Array): void {
  const { b0, b1, b2, a1, a2 } = c;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let n = 0; n < x.length; n++) {
    const xn = x[n];
    const yn = b0[n] * xn + b1[n] * x1 + b2[n] * x2 - a1[n] * y1 - a2[n] * y2;
    y[n] = yn;
    x2 = x1;
    x1 = xn;
    y2 = y1;
    y1 = yn;
  }
}

/**
 * Time-varying biquad.
 * @example biquad(x, rbjBiquad('lowpass', freq, q, gain, { sampleRate }))
 */
export function biquad(x: Float64Array, coefficients: BiquadCoefficients): Float64Array {
  const xs = readLayout('biquad', 'x', x).data;
  const c = readCoefs('biquad', coefficients, xs.length);
  const y = new Float64Array(xs.length);
  biquadKernel(xs, c, y);
  return y;
}

/** VJP of {@link biquad} with respect to the input and every coefficient. */
export function biquadVjp(gy: Float64Array, x: Float64Array, coefficients: BiquadCoefficients): { x: Float64Array; coefficients: BiquadCoefficients } {
  const xs = readLayout('biquadVjp', 'x', x).data;
  const c = readCoefs('biquadVjp', coefficients, xs.length);
  const g = readLayout('biquadVjp', 'gy', gy).data;
  const T = xs.length;
  if (g.length !== T) fail('biquadVjp', `gy must have ${T} samples (got ${g.length})`);
  const y = new Float64Array(T);
  biquadKernel(xs, c, y);
  const { b0, b1, b2, a1, a2 } = c;
  const gx = new Float64Array(T);
  const gb0 = new Float64Array(T);
  const gb1 = new Float64Array(T);
  const gb2 = new Float64Array(T);
  const ga1 = new Float64Array(T);
  const ga2 = new Float64Array(T);
  let l1 = 0; // λ[n+1]
  let l2 = 0; // λ[n+2]
  for (let n = T - 1; n >= 0; n--) {
    const an1 = n + 1 < T ? a1[n + 1] : 0;
    const an2 = n + 2 < T ? a2[n + 2] : 0;
    const l = g[n] - an1 * l1 - an2 * l2;
    const xm1 = n >= 1 ? xs[n - 1] : 0;
    const xm2 = n >= 2 ? xs[n - 2] : 0;
    const ym1 = n >= 1 ? y[n - 1] : 0;
    const ym2 = n >= 2 ? y[n - 2] : 0;
    gb0[n] = l * xs[n];
    gb1[n] = l * xm1;
    gb2[n] = l * xm2;
    ga1[n] = -l * ym1;
    ga2[n] = -l * ym2;
    gx[n] = b0[n] * l + (n + 1 < T ? b1[n + 1] * l1 : 0) + (n + 2 < T ? b2[n + 2] * l2 : 0);
    l2 = l1;
    l1 = l;
  }
  return { x: gx, coefficients: { b0: gb0, b1: gb1, b2: gb2, a1: ga1, a2: ga2 } };
}

function readPole(fn: string, x: unknown, b: unknown, a: unknown) {
  const xs = readLayout(fn, 'x', x).data;
  const bs = readLayout(fn, 'b', b).data;
  const as = readLayout(fn, 'a', a).data;
  if (bs.length !== xs.length || as.length !== xs.length) fail(fn, `b and a need one value per sample (${xs.length}); got ${bs.length} and ${as.length}`);
  for (let i = 0; i < as.length; i++) if (!(Math.abs(as[i]) < 1)) fail(fn, `unstable pole a[${i}] = ${as[i]}; need |a| < 1`);
  return { xs, bs, as };
}

/**
 * One-pole filter y[n] = b[n]x[n] + a[n]y[n−1] (a smoother when b = 1 − a).
 * @example onePole(x, b, a)
 */
export function onePole(x: Float64Array, b: Float64Array, a: Float64Array): Float64Array {
  const { xs, bs, as } = readPole('onePole', x, b, a);
  const y = new Float64Array(xs.length);
  let prev = 0;
  for (let n = 0; n < xs.length; n++) y[n] = prev = bs[n] * xs[n] + as[n] * prev;
  return y;
}

/** VJP of {@link onePole}. */
export function onePoleVjp(gy: Float64Array, x: Float64Array, b: Float64Array, a: Float64Array): { x: Float64Array; b: Float64Array; a: Float64Array } {
  const { xs, bs, as } = readPole('onePoleVjp', x, b, a);
  const g = readLayout('onePoleVjp', 'gy', gy).data;
  const T = xs.length;
  if (g.length !== T) fail('onePoleVjp', `gy must have ${T} samples (got ${g.length})`);
  const y = onePole(xs, bs, as);
  const gx = new Float64Array(T);
  const gb = new Float64Array(T);
  const ga = new Float64Array(T);
  let next = 0;
  for (let n = T - 1; n >= 0; n--) {
    const l = g[n] + (n + 1 < T ? as[n + 1] * next : 0);
    gx[n] = bs[n] * l;
    gb[n] = xs[n] * l;
    ga[n] = n >= 1 ? y[n - 1] * l : 0;
    next = l;
  }
  return { x: gx, b: gb, a: ga };
}
