/**
 * A small seeded generator (mulberry32) for reproducible random directions and test data.
 * It gives the same sequence on every runtime. Not for cryptography.
 */
import { fail } from '../core/errors.ts';

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** @example const r = rng(42); r.uniform() // same value on Node, Deno and Bun */
export function rng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) fail('rng', `seed must be an integer (got ${typeof seed === 'number' ? seed : seed === null ? 'null' : typeof seed})`);
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}

/** n standard-normal samples from `r`. */
export function normalArray(r: Rng, n: number): Float64Array {
  if (typeof r !== 'object' || r === null || typeof r.normal !== 'function') fail('normalArray', `r must be an Rng from rng(seed) (got ${r === null ? 'null' : typeof r})`);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 30) fail('normalArray', `n must be an integer in [0, 2^30] (got ${typeof n === 'number' ? n : typeof n})`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = r.normal();
  return out;
}
