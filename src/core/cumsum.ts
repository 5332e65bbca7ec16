/**
 * Running sums along time, an adjoint pair: the VJP of the inclusive cumsum is the reverse
 * cumsum, and vice versa. Works on a 1-D signal or per channel on frames `[T, C]`.
 */
import { cumsumKernel, reverseCumsumKernel } from '../backends/cpu/kernels.ts';
import { readLayout, wrapLike, type Signal } from './frames.ts';
import { readCotangent } from './unary.ts';

/**
 * Inclusive cumulative sum along time: y[n] = Σ_{m≤n} x[m] (DDSP's phase accumulator).
 * Linear; VJP: x̄ = reverseCumsum(ȳ). Cost O(T·C).
 * @example cumsum(Float64Array.of(1, 2, 3)) // [1, 3, 6]
 */
export function cumsum<T extends Signal>(x: T): T {
  const L = readLayout('cumsum', 'x', x);
  const out = new Float64Array(L.data.length);
  cumsumKernel(L.data, L.n, L.c, out);
  return wrapLike(L, out, L.n);
}

/** VJP of {@link cumsum}: x̄ = reverseCumsum(ȳ). `x` gives only the shape. */
export function cumsumVjp<T extends Signal>(gy: T, x: T): T {
  const L = readLayout('cumsumVjp', 'x', x);
  const g = readCotangent('cumsumVjp', gy, L);
  const out = new Float64Array(g.length);
  reverseCumsumKernel(g, L.n, L.c, out);
  return wrapLike(L, out, L.n);
}

/**
 * Reverse inclusive cumulative sum: y[n] = Σ_{m≥n} x[m]. The adjoint of {@link cumsum}.
 * @example reverseCumsum(Float64Array.of(1, 2, 3)) // [6, 5, 3]
 */
export function reverseCumsum<T extends Signal>(x: T): T {
  const L = readLayout('reverseCumsum', 'x', x);
  const out = new Float64Array(L.data.length);
  reverseCumsumKernel(L.data, L.n, L.c, out);
  return wrapLike(L, out, L.n);
}

/** VJP of {@link reverseCumsum}: x̄ = cumsum(ȳ). */
export function reverseCumsumVjp<T extends Signal>(gy: T, x: T): T {
  const L = readLayout('reverseCumsumVjp', 'x', x);
  const g = readCotangent('reverseCumsumVjp', gy, L);
  const out = new Float64Array(g.length);
  cumsumKernel(g, L.n, L.c, out);
  return wrapLike(L, out, L.n);
}
