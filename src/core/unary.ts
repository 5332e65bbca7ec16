/** Shared entry checks for elementwise ops over a signal or frames. */
import { fail } from './errors.ts';
import { readLayout, type Layout } from './frames.ts';

/** Validate the cotangent `gy` of an elementwise op whose input had layout `like`. */
export function readCotangent(fn: string, gy: unknown, like: Layout, arg = 'gy'): Float64Array {
  const g = readLayout(fn, arg, gy);
  if (g.data.length !== like.data.length) {
    fail(fn, `${arg} must have the same size as the op's output (got ${g.data.length}, expected ${like.data.length})`);
  }
  return g.data;
}

/** Numerically stable logistic σ(x). */
export function sigmoid1(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Numerically stable softplus ln(1 + eˣ). */
export function softplus1(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
