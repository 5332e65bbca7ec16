/**
 * DDSP's output nonlinearities (the `scale_fn`s) and their VJPs. All are elementwise over a
 * Float64Array or a float64 ndarray, return the same kind of value, and never mutate the input.
 */
import { checkNumber, checkPositive, fail, optionKeys, readOptions } from './errors.ts';
import { readLayout, wrapLike, type Signal } from './frames.ts';
import { readCotangent, sigmoid1, softplus1 } from './unary.ts';

export interface ExpSigmoidOptions {
  /** Base of the exponent; the power is ln(exponent). Default 10. */
  exponent?: number;
  /** Value approached as x → ∞ (before the threshold is added). Default 2. */
  maxValue?: number;
  /** Floor added to the output. Default 1e-7. */
  threshold?: number;
}

const EXP_SIGMOID_KEYS = optionKeys<ExpSigmoidOptions>()('exponent', 'maxValue', 'threshold');

function expSigmoidConsts(fn: string, opts: ExpSigmoidOptions) {
  const { exponent = 10, maxValue = 2, threshold = 1e-7 } = readOptions(fn, opts, EXP_SIGMOID_KEYS);
  checkPositive(fn, 'opts.exponent', exponent);
  checkNumber(fn, 'opts.maxValue', maxValue);
  checkNumber(fn, 'opts.threshold', threshold);
  return { p: Math.log(exponent), m: maxValue, t: threshold };
}

/**
 * Exponentiated sigmoid, DDSP's amplitude nonlinearity.
 *   y = m·σ(x)^p + θ,   p = ln(exponent)
 * computed as m·exp(−p·softplus(−x)) + θ so it stays finite for large |x|.
 * VJP: x̄ = ȳ · p · (y − θ) · (1 − σ(x)).
 * @example expSigmoid(Float64Array.of(0)) // ≈ [0.4054]
 */
export function expSigmoid<T extends Signal>(x: T, opts: ExpSigmoidOptions = {}): T {
  const L = readLayout('expSigmoid', 'x', x);
  const { p, m, t } = expSigmoidConsts('expSigmoid', opts);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = m * Math.exp(-p * softplus1(-xs[i])) + t;
  return wrapLike(L, out, L.n);
}

/** VJP of {@link expSigmoid}: x̄ = ȳ · p · m·σ(x)^p · (1 − σ(x)). */
export function expSigmoidVjp<T extends Signal>(gy: T, x: T, opts: ExpSigmoidOptions = {}): T {
  const L = readLayout('expSigmoidVjp', 'x', x);
  const g = readCotangent('expSigmoidVjp', gy, L);
  const { p, m } = expSigmoidConsts('expSigmoidVjp', opts);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    out[i] = g[i] * p * m * Math.exp(-p * softplus1(-v)) * sigmoid1(-v);
  }
  return wrapLike(L, out, L.n);
}

export interface SymExpSigmoidOptions {
  /** Width of the bump: y = expSigmoid(width·(|x|/2 − 1)). Default 8. */
  width?: number;
}
const SYM_KEYS = optionKeys<SymExpSigmoidOptions>()('width');

/**
 * Symmetric exponentiated sigmoid: y = expSigmoid(w·(|x|/2 − 1)) with DDSP's default
 * expSigmoid settings. Even in x, smallest (≈1e-7) at 0, saturating at 2 for large |x|.
 * VJP: x̄ = ȳ · expSigmoid′(z) · (w/2)·sign(x)   (sign(0) = 0, as TF's |x| gradient).
 * @example symExpSigmoid(Float64Array.of(2)) // = expSigmoid([0]) ≈ [0.4054]
 */
export function symExpSigmoid<T extends Signal>(x: T, opts: SymExpSigmoidOptions = {}): T {
  const L = readLayout('symExpSigmoid', 'x', x);
  const { width = 8 } = readOptions('symExpSigmoid', opts, SYM_KEYS);
  checkNumber('symExpSigmoid', 'opts.width', width);
  const p = Math.log(10);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const z = width * (Math.abs(xs[i]) / 2 - 1);
    out[i] = 2 * Math.exp(-p * softplus1(-z)) + 1e-7;
  }
  return wrapLike(L, out, L.n);
}

/** VJP of {@link symExpSigmoid}. */
export function symExpSigmoidVjp<T extends Signal>(gy: T, x: T, opts: SymExpSigmoidOptions = {}): T {
  const L = readLayout('symExpSigmoidVjp', 'x', x);
  const g = readCotangent('symExpSigmoidVjp', gy, L);
  const { width = 8 } = readOptions('symExpSigmoidVjp', opts, SYM_KEYS);
  checkNumber('symExpSigmoidVjp', 'opts.width', width);
  const p = Math.log(10);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    const z = width * (Math.abs(v) / 2 - 1);
    const dz = (width / 2) * Math.sign(v);
    out[i] = g[i] * p * 2 * Math.exp(-p * softplus1(-z)) * sigmoid1(-z) * dz;
  }
  return wrapLike(L, out, L.n);
}

/**
 * Softplus y = ln(1 + eˣ), computed stably as max(x, 0) + ln(1 + e^−|x|).
 * VJP: x̄ = ȳ · σ(x).
 * @example softplus(Float64Array.of(0)) // [ln 2]
 */
export function softplus<T extends Signal>(x: T): T {
  const L = readLayout('softplus', 'x', x);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = softplus1(xs[i]);
  return wrapLike(L, out, L.n);
}

/** VJP of {@link softplus}: x̄ = ȳ · σ(x). */
export function softplusVjp<T extends Signal>(gy: T, x: T): T {
  const L = readLayout('softplusVjp', 'x', x);
  const g = readCotangent('softplusVjp', gy, L);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = g[i] * sigmoid1(xs[i]);
  return wrapLike(L, out, L.n);
}

export interface SoftLimitOptions {
  /** Lower limit. Default 0. */
  xMin?: number;
  /** Upper limit. Default 1. */
  xMax?: number;
}

const LIMIT_KEYS = optionKeys<SoftLimitOptions>()('xMin', 'xMax');

function limits(fn: string, opts: SoftLimitOptions): [number, number] {
  const { xMin = 0, xMax = 1 } = readOptions(fn, opts, LIMIT_KEYS);
  checkNumber(fn, 'opts.xMin', xMin);
  checkNumber(fn, 'opts.xMax', xMax);
  if (!(xMax > xMin)) fail(fn, `opts.xMax must be greater than opts.xMin (got xMin ${xMin}, xMax ${xMax})`);
  return [xMin, xMax];
}

/**
 * Smooth clip to [xMin, xMax]:  y = softplus(x) + xMin − softplus(x − (xMax − xMin)).
 * VJP: x̄ = ȳ · (σ(x) − σ(x − (xMax − xMin))).
 * @example softLimit(Float64Array.of(-50, 50)) // ≈ [0, 1]
 */
export function softLimit<T extends Signal>(x: T, opts: SoftLimitOptions = {}): T {
  const L = readLayout('softLimit', 'x', x);
  const [lo, hi] = limits('softLimit', opts);
  const r = hi - lo;
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = softplus1(xs[i]) + lo - softplus1(xs[i] - r);
  return wrapLike(L, out, L.n);
}

/** VJP of {@link softLimit}. */
export function softLimitVjp<T extends Signal>(gy: T, x: T, opts: SoftLimitOptions = {}): T {
  const L = readLayout('softLimitVjp', 'x', x);
  const g = readCotangent('softLimitVjp', gy, L);
  const [lo, hi] = limits('softLimitVjp', opts);
  const r = hi - lo;
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = g[i] * (sigmoid1(xs[i]) - sigmoid1(xs[i] - r));
  return wrapLike(L, out, L.n);
}

export interface LogScaleOptions {
  /** Output at x = −1 (> 0). Required. */
  minX: number;
  /** Output at x = +1 (> 0). Required. */
  maxX: number;
}

function logRange(fn: string, opts: LogScaleOptions): [number, number] {
  if (opts === undefined) fail(fn, 'opts.minX and opts.maxX are required');
  readOptions(fn, opts, optionKeys<LogScaleOptions>()('minX', 'maxX'));
  checkPositive(fn, 'opts.minX', opts.minX);
  checkPositive(fn, 'opts.maxX', opts.maxX);
  return [Math.log(opts.minX), Math.log(opts.maxX)];
}

/**
 * Map [−1, 1] onto [minX, maxX] on a log scale:
 *   u = (x + 1)/2,   y = exp((1 − u)·ln minX + u·ln maxX).
 * VJP: x̄ = ȳ · y · (ln maxX − ln minX)/2.
 * @example logScale(Float64Array.of(-1, 0, 1), { minX: 1, maxX: 100 }) // [1, 10, 100]
 */
export function logScale<T extends Signal>(x: T, opts: LogScaleOptions): T {
  const L = readLayout('logScale', 'x', x);
  const [a, b] = logRange('logScale', opts);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const u = (xs[i] + 1) / 2;
    out[i] = Math.exp((1 - u) * a + u * b);
  }
  return wrapLike(L, out, L.n);
}

/** VJP of {@link logScale}. */
export function logScaleVjp<T extends Signal>(gy: T, x: T, opts: LogScaleOptions): T {
  const L = readLayout('logScaleVjp', 'x', x);
  const g = readCotangent('logScaleVjp', gy, L);
  const [a, b] = logRange('logScaleVjp', opts);
  const half = (b - a) / 2;
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const u = (xs[i] + 1) / 2;
    out[i] = g[i] * Math.exp((1 - u) * a + u * b) * half;
  }
  return wrapLike(L, out, L.n);
}
