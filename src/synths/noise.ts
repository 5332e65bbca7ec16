/**
 * Seeded uniform noise in [−1, 1) that is bit-identical on every runtime (mulberry32: 32-bit
 * integer arithmetic, then an exact division by 2³²). The generator state is one uint32,
 * returned so that a stream can continue where a block stopped.
 */
import { checkSize, fail } from '../core/errors.ts';

export interface NoiseOutput {
  noise: Float64Array;
  /** Generator state after the last draw: pass it as the next block's `state`. */
  state: number;
}

/**
 * n samples of uniform white noise in [−1, 1). `state` is the seed for the first block and
 * the returned state for the next one; uniformNoise(a + b, s) equals the concatenation of
 * uniformNoise(a, s) and uniformNoise(b, that.state).
 * @example uniformNoise(4, 0).noise // same four values on Node, Deno and Bun
 */
export function uniformNoise(n: number, state = 0): NoiseOutput {
  checkSize('uniformNoise', 'n', n, 0);
  if (!Number.isInteger(state)) fail('uniformNoise', `state must be an integer seed (got ${state})`);
  let a = state >>> 0;
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    noise[i] = ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  }
  return { noise, state: a };
}
