/**
 * Seeded initialisers as Keras': glorot (Xavier) uniform for kernels, orthogonal for the GRU's
 * recurrent kernel, zeros for biases, ones/zeros for layer norm. Deterministic for a seed on every
 * runtime (the generator is integer arithmetic; see check/rng).
 */
import { checkSize, fail } from '../core/errors.ts';
import { frames, type Frames } from '../core/frames.ts';
import { rng } from '../check/rng.ts';

function seedOf(fn: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) fail(fn, `seed must be an integer (got ${seed === null ? 'null' : typeof seed === 'number' ? seed : typeof seed})`);
  return seed;
}

/**
 * Glorot uniform [fanIn, fanOut]: U(−l, l), l = √(6/(fanIn + fanOut)).
 * @example glorotUniform(0, 512, 512)
 */
export function glorotUniform(seed: number, fanIn: number, fanOut: number): Frames {
  const fn = 'glorotUniform';
  seedOf(fn, seed);
  checkSize(fn, 'fanIn', fanIn, 1);
  checkSize(fn, 'fanOut', fanOut, 1);
  if (fanIn * fanOut > 2 ** 28) fail(fn, `a ${fanIn} × ${fanOut} kernel is larger than the 2^28 values supported`);
  const r = rng(seed);
  const l = Math.sqrt(6 / (fanIn + fanOut));
  return frames(Float64Array.from({ length: fanIn * fanOut }, () => l * (2 * r.uniform() - 1)), fanIn, fanOut);
}

/**
 * Orthogonal [rows, cols] as Keras' Orthogonal(gain 1): a standard normal matrix of the larger
 * shape made orthonormal (QR by modified Gram–Schmidt, whose R has a positive diagonal: the sign
 * convention Keras imposes on numpy's QR),
 * so rows (rows ≤ cols) or columns (rows ≥ cols) are orthonormal.
 * @example orthogonal(0, 256, 768) // the GRU recurrent kernel shape [u, 3u]: U·Uᵀ = I
 */
export function orthogonal(seed: number, rows: number, cols: number): Frames {
  const fn = 'orthogonal';
  seedOf(fn, seed);
  checkSize(fn, 'rows', rows, 1);
  checkSize(fn, 'cols', cols, 1);
  if (rows * cols > 2 ** 26) fail(fn, `a ${rows} × ${cols} matrix is larger than the 2^26 values supported`);
  const r = rng(seed);
  // k vectors of length m (m ≥ k), each contiguous, made orthonormal in turn (modified
  // Gram–Schmidt); they are the columns (rows ≥ cols) or the rows (rows < cols) of the result.
  const m = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  const v = Float64Array.from({ length: k * m }, () => r.normal());
  for (let j = 0; j < k; j++) {
    const vj = j * m;
    for (let p = 0; p < j; p++) {
      const vp = p * m;
      let dot = 0;
      for (let i = 0; i < m; i++) dot += v[vp + i] * v[vj + i];
      for (let i = 0; i < m; i++) v[vj + i] -= dot * v[vp + i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[vj + i] * v[vj + i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) v[vj + i] /= norm;
  }
  if (rows < cols) return frames(v, rows, cols);
  const t = new Float64Array(rows * cols);
  for (let j = 0; j < k; j++) for (let i = 0; i < m; i++) t[i * cols + j] = v[j * m + i];
  return frames(t, rows, cols);
}
