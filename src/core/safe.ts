/**
 * DDSP's "safe" log and divide, with its exact semantics: only non-positive values (log) or
 * exact zeros (divide) are replaced by eps. A tiny positive value is NOT clamped, so
 * safeLog(1e-30) = ln(1e-30) = −69.1, not ln(eps). This matches ddsp.core.safe_log/safe_divide.
 */
import { checkPositive, checkSameLength, finiteQuotient, optionKeys, readOptions } from './errors.ts';
import { readLayout, wrapLike, type Signal } from './frames.ts';
import { readCotangent } from './unary.ts';

export interface SafeLogOptions {
  /** Replacement for inputs ≤ 0. Default 1e-5. */
  eps?: number;
}
const SAFE_LOG_KEYS = optionKeys<SafeLogOptions>()('eps');

/**
 * y = ln(x) where x > 0, ln(eps) where x ≤ 0.
 * VJP: x̄ = ȳ/x where x > 0, 0 where x ≤ 0 (the replaced value is a constant).
 * @example safeLog(Float64Array.of(Math.E, 0)) // [1, ln 1e-5]
 */
export function safeLog<T extends Signal>(x: T, opts: SafeLogOptions = {}): T {
  const L = readLayout('safeLog', 'x', x);
  const { eps = 1e-5 } = readOptions('safeLog', opts, SAFE_LOG_KEYS);
  checkPositive('safeLog', 'opts.eps', eps);
  const le = Math.log(eps);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i] > 0 ? Math.log(xs[i]) : le;
  return wrapLike(L, out, L.n);
}

/** VJP of {@link safeLog}. */
export function safeLogVjp<T extends Signal>(gy: T, x: T, opts: SafeLogOptions = {}): T {
  const L = readLayout('safeLogVjp', 'x', x);
  const g = readCotangent('safeLogVjp', gy, L);
  const { eps = 1e-5 } = readOptions('safeLogVjp', opts, SAFE_LOG_KEYS);
  checkPositive('safeLogVjp', 'opts.eps', eps);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  // g/x overflows for denormal x (1e-310); finiteQuotient saturates it at ±MAX_VALUE.
  for (let i = 0; i < xs.length; i++) out[i] = xs[i] > 0 ? finiteQuotient(g[i], xs[i]) : 0;
  return wrapLike(L, out, L.n);
}

export interface SafeDivideOptions {
  /** Replacement for denominators that are exactly 0. Default 1e-7. */
  eps?: number;
}
const SAFE_DIVIDE_KEYS = optionKeys<SafeDivideOptions>()('eps');

/**
 * y = n / d', with d' = eps where d = 0 exactly, else d. Negative or tiny denominators are
 * used as they are (DDSP semantics); where n/d' overflows (a denormal d) the result saturates at
 * ±Number.MAX_VALUE instead of becoming ±Infinity, and so do the gradients.
 * VJP: n̄ = ȳ/d',  d̄ = −ȳ·n/d'² where d ≠ 0, and 0 where d was replaced.
 * @example safeDivide(Float64Array.of(1, 1), Float64Array.of(2, 0)) // [0.5, 1e7]
 */
export function safeDivide<T extends Signal>(n: T, d: T, opts: SafeDivideOptions = {}): T {
  const Ln = readLayout('safeDivide', 'n', n);
  const Ld = readLayout('safeDivide', 'd', d);
  checkSameLength('safeDivide', 'n', Ln.data, 'd', Ld.data);
  const { eps = 1e-7 } = readOptions('safeDivide', opts, SAFE_DIVIDE_KEYS);
  checkPositive('safeDivide', 'opts.eps', eps);
  const a = Ln.data;
  const b = Ld.data;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = finiteQuotient(a[i], b[i] === 0 ? eps : b[i]);
  return wrapLike(Ln, out, Ln.n);
}

/** VJP of {@link safeDivide}: returns [n̄, d̄]. */
export function safeDivideVjp<T extends Signal>(gy: T, n: T, d: T, opts: SafeDivideOptions = {}): [T, T] {
  const Ln = readLayout('safeDivideVjp', 'n', n);
  const Ld = readLayout('safeDivideVjp', 'd', d);
  checkSameLength('safeDivideVjp', 'n', Ln.data, 'd', Ld.data);
  const g = readCotangent('safeDivideVjp', gy, Ln);
  const { eps = 1e-7 } = readOptions('safeDivideVjp', opts, SAFE_DIVIDE_KEYS);
  checkPositive('safeDivideVjp', 'opts.eps', eps);
  const a = Ln.data;
  const b = Ld.data;
  const gn = new Float64Array(a.length);
  const gd = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    if (b[i] === 0) {
      gn[i] = finiteQuotient(g[i], eps);
    } else {
      const q = finiteQuotient(g[i], b[i]);
      gn[i] = q;
      gd[i] = -finiteQuotient(q * a[i], b[i]);
    }
  }
  return [wrapLike(Ln, gn, Ln.n), wrapLike(Ld, gd, Ld.n)];
}
