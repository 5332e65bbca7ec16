/** Forward finite difference along time, DDSP's `diff`, and its adjoint. */
import { fail } from './errors.ts';
import { readLayout, wrapLike, type Signal } from './frames.ts';

/**
 * y[n] = x[n+1] − x[n], n = 0..T−2 (one frame shorter than x; per channel on frames).
 * Linear; VJP: x̄[n] = ȳ[n−1] − ȳ[n] (with ȳ[−1] = ȳ[T−1] = 0).
 * @example diff(Float64Array.of(1, 4, 9)) // [3, 5]
 */
export function diff<T extends Signal>(x: T): T {
  const L = readLayout('diff', 'x', x);
  if (L.n < 1) fail('diff', 'x must have at least 1 sample along time (got 0)');
  const { data, c } = L;
  const out = new Float64Array((L.n - 1) * c);
  for (let k = 0; k < out.length; k++) out[k] = data[k + c] - data[k];
  return wrapLike(L, out, L.n - 1);
}

/** VJP (and adjoint) of {@link diff}: maps ȳ of length T−1 to x̄ of length T. */
export function diffVjp<T extends Signal>(gy: T, x: T): T {
  const L = readLayout('diffVjp', 'x', x);
  if (L.n < 1) fail('diffVjp', 'x must have at least 1 sample along time (got 0)');
  const G = readLayout('diffVjp', 'gy', gy);
  const { c } = L;
  const m = (L.n - 1) * c;
  if (G.data.length !== m) fail('diffVjp', `gy must have (T−1)·C = ${m} values (got ${G.data.length})`);
  const g = G.data;
  const out = new Float64Array(L.data.length);
  for (let k = 0; k < m; k++) {
    out[k] -= g[k];
    out[k + c] += g[k];
  }
  return wrapLike(L, out, L.n);
}
