import fc from 'fast-check';
import { checkVjp, checkAdjoint, type CheckVjpOptions } from '../src/check/checkVjp.ts';
import type { Cotangent, Tree } from '../src/core/tree.ts';

// Reproducible by default; FC_SEED=<n> replays a failure (fast-check prints the seed and path).
const seed = Number(process.env.FC_SEED ?? 20261125);
const numRuns = Number(process.env.FC_RUNS ?? 100);
fc.configureGlobal({ seed, numRuns });

export { fc };

/**
 * A double in [min, max], never NaN/∞. Magnitudes below 1e-100 become 0: products of such
 * values underflow to subnormals, where no relative-error test means anything.
 */
export const num = (min: number, max: number) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((v) => (Math.abs(v) < 1e-100 ? 0 : v));

/** A Float64Array of `len` values from `arb`. */
export const arrayOf = (arb: fc.Arbitrary<number>, minLength = 1, maxLength = 64) =>
  fc.array(arb, { minLength, maxLength }).map((a) => Float64Array.from(a));

/** Doubles in [min, max] kept at least `margin` away from each kink in `points`. */
export const awayFrom = (min: number, max: number, points: number[], margin = 1e-3) =>
  num(min, max).filter((v) => points.every((p) => Math.abs(v - p) > margin));

/** Throw with the report's message unless the VJP passes the dot-product test. */
export function expectVjp<X extends Tree, Y extends Tree>(
  f: (x: X) => Y,
  vjp: (gy: Y, x: X) => Cotangent,
  x: X,
  opts: CheckVjpOptions = {},
): void {
  const r = checkVjp(f, vjp, x, opts);
  if (!r.ok) throw new Error(r.message);
}

/** Throw unless `adjoint` is the exact adjoint of the linear `forward`. */
export function expectAdjoint<X extends Tree, Y extends Tree>(forward: (x: X) => Y, adjoint: (y: Y) => Cotangent, x: X, atol = 0): void {
  const r = checkAdjoint(forward, adjoint, x, { atol });
  if (!r.ok) throw new Error(r.message);
}
