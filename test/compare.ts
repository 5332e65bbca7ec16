/**
 * Comparisons of results against a reference, shared by the tests and the benchmarks (no test
 * framework imported, so bench scripts can use them under any runtime).
 */

/** max |a − b| relative to max |b|: the worst difference as a fraction of the reference's scale. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

/** ‖a − b‖₂ / ‖b‖₂ (‖a − b‖₂ when b is zero). */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    e += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return n === 0 ? Math.sqrt(e) : Math.sqrt(e / n);
}

/** The numeric leaves of a parameter tree (Float64Arrays and ndarrays) with their paths, e.g. ".rnn.kernel". */
export function leaves(t: unknown, path = ''): [string, Float64Array][] {
  if (t instanceof Float64Array) return [[path, t]];
  if (typeof t === 'object' && t !== null && 'data' in t && 'shape' in t) return [[path, (t as { data: Float64Array }).data]];
  return Object.entries(t as object).flatMap(([k, v]) => leaves(v, `${path}.${k}`));
}

/** A seeded stream of arrays: each call gives n values uniform in [−scale/2, scale/2). */
export function randomStream(seed: number): (n: number, scale?: number) => Float64Array {
  let s = seed >>> 0;
  return (n, scale = 1) =>
    Float64Array.from({ length: n }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return scale * (s / 2 ** 32 - 0.5);
    });
}
