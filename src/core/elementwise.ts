/**
 * Elementwise arithmetic on equal-sized signals, with VJPs. No broadcasting: sizes must match.
 */
import { checkNumber, checkSameLength, fail } from './errors.ts';
import { readLayout, wrapLike, type Layout, type Signal } from './frames.ts';
import { readCotangent } from './unary.ts';

function pair(fn: string, a: unknown, b: unknown): [Layout, Layout] {
  const La = readLayout(fn, 'a', a);
  const Lb = readLayout(fn, 'b', b);
  checkSameLength(fn, 'a', La.data, 'b', Lb.data);
  return [La, Lb];
}

/** y = a + b.  VJP: ā = ȳ, b̄ = ȳ.  @example add(Float64Array.of(1), Float64Array.of(2)) // [3] */
export function add<T extends Signal>(a: T, b: T): T {
  const [La, Lb] = pair('add', a, b);
  const x = La.data;
  const y = Lb.data;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i];
  return wrapLike(La, out, La.n);
}

/** VJP of {@link add}: [ȳ, ȳ] (copies, so callers may own them). */
export function addVjp<T extends Signal>(gy: T, a: T, b: T): [T, T] {
  const [La, Lb] = pair('addVjp', a, b);
  const g = readCotangent('addVjp', gy, La);
  return [wrapLike(La, g.slice(), La.n), wrapLike(Lb, g.slice(), Lb.n)];
}

/** y = a − b.  VJP: ā = ȳ, b̄ = −ȳ.  @example sub(Float64Array.of(3), Float64Array.of(2)) // [1] */
export function sub<T extends Signal>(a: T, b: T): T {
  const [La, Lb] = pair('sub', a, b);
  const x = La.data;
  const y = Lb.data;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - y[i];
  return wrapLike(La, out, La.n);
}

/** VJP of {@link sub}: [ȳ, −ȳ]. */
export function subVjp<T extends Signal>(gy: T, a: T, b: T): [T, T] {
  const [La, Lb] = pair('subVjp', a, b);
  const g = readCotangent('subVjp', gy, La);
  const neg = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) neg[i] = -g[i];
  return [wrapLike(La, g.slice(), La.n), wrapLike(Lb, neg, Lb.n)];
}

/** y = a ⊙ b.  VJP: ā = ȳ ⊙ b, b̄ = ȳ ⊙ a.  @example mul(Float64Array.of(2), Float64Array.of(3)) // [6] */
export function mul<T extends Signal>(a: T, b: T): T {
  const [La, Lb] = pair('mul', a, b);
  const x = La.data;
  const y = Lb.data;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * y[i];
  return wrapLike(La, out, La.n);
}

/** VJP of {@link mul}: [ȳ ⊙ b, ȳ ⊙ a]. */
export function mulVjp<T extends Signal>(gy: T, a: T, b: T): [T, T] {
  const [La, Lb] = pair('mulVjp', a, b);
  const g = readCotangent('mulVjp', gy, La);
  const x = La.data;
  const y = Lb.data;
  const ga = new Float64Array(x.length);
  const gb = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    ga[i] = g[i] * y[i];
    gb[i] = g[i] * x[i];
  }
  return [wrapLike(La, ga, La.n), wrapLike(Lb, gb, Lb.n)];
}

/** y = s·x for a constant s.  VJP: x̄ = s·ȳ.  @example scale(Float64Array.of(2), 3) // [6] */
export function scale<T extends Signal>(x: T, s: number): T {
  const L = readLayout('scale', 'x', x);
  checkNumber('scale', 's', s);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = s * xs[i];
  return wrapLike(L, out, L.n);
}

/** VJP of {@link scale}: x̄ = s·ȳ (scale is its own adjoint). */
export function scaleVjp<T extends Signal>(gy: T, x: T, s: number): T {
  const L = readLayout('scaleVjp', 'x', x);
  const g = readCotangent('scaleVjp', gy, L);
  checkNumber('scaleVjp', 's', s);
  const out = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) out[i] = s * g[i];
  return wrapLike(L, out, L.n);
}

function scalarCotangent(fn: string, gy: unknown): number {
  if (!(gy instanceof Float64Array) || gy.length !== 1 || !Number.isFinite(gy[0])) {
    fail(fn, `gy must be a finite Float64Array of length 1 (got ${gy instanceof Float64Array ? `length ${gy.length}` : typeof gy})`);
  }
  return gy[0];
}

/** y = Σ xᵢ, as a length-1 array.  VJP: x̄ᵢ = ȳ₀.  @example sumAll(Float64Array.of(1, 2)) // [3] */
export function sumAll(x: Signal): Float64Array {
  const xs = readLayout('sumAll', 'x', x).data;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return Float64Array.of(s);
}

/** VJP of {@link sumAll}. */
export function sumAllVjp<T extends Signal>(gy: Float64Array, x: T): T {
  const L = readLayout('sumAllVjp', 'x', x);
  const g = scalarCotangent('sumAllVjp', gy);
  return wrapLike(L, new Float64Array(L.data.length).fill(g), L.n);
}

/** y = mean(x), as a length-1 array (0 for an empty input is an error).  VJP: x̄ᵢ = ȳ₀/n. */
export function mean(x: Signal): Float64Array {
  const xs = readLayout('mean', 'x', x).data;
  if (xs.length === 0) fail('mean', 'x must not be empty (the mean of no values is undefined)');
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return Float64Array.of(s / xs.length);
}

/** VJP of {@link mean}. */
export function meanVjp<T extends Signal>(gy: Float64Array, x: T): T {
  const L = readLayout('meanVjp', 'x', x);
  const g = scalarCotangent('meanVjp', gy);
  if (L.data.length === 0) fail('meanVjp', 'x must not be empty');
  return wrapLike(L, new Float64Array(L.data.length).fill(g / L.data.length), L.n);
}
