/**
 * Keras' Dense layer: y = x·W + b over the last axis, W [in, out], b [out].
 * VJP: x̄ = ȳ·Wᵀ,  W̄ = xᵀ·ȳ (summed over every row: frames and batch),  b̄ = Σ_rows ȳ.
 * All three products go through the named GEMM kernel. Cost O(rows·in·out) each way.
 */
import { fail } from '../core/errors.ts';
import { frames, type Frames } from '../core/frames.ts';
import { gemm } from '../backends/cpu/gemm.ts';
import { readMatrix, readRows, readVector, wrapRows, type Tensor } from './tensor.ts';

export function readDense(fn: string, x: unknown, kernel: unknown, bias: unknown) {
  const X = readRows(fn, 'x', x);
  const W = readMatrix(fn, 'kernel', kernel, X.c, undefined);
  const b = readVector(fn, 'bias', bias, W.cols);
  return { X, W, b };
}

/**
 * @example dense(frames(Float64Array.of(1, 2), 1, 2), frames(Float64Array.of(1, 0, 0, 1, 1, 1), 2, 3), Float64Array.of(0, 0, 1)) // [[1, 2, 4]]
 */
export function dense(x: Tensor, kernel: Frames, bias: Float64Array): Tensor {
  const { X, W, b } = readDense('dense', x, kernel, bias);
  const out = new Float64Array(X.rows * W.cols);
  for (let r = 0; r < X.rows; r++) out.set(b, r * W.cols);
  gemm('N', 'N', X.rows, W.cols, X.c, X.data, 0, X.c, W.data, 0, W.cols, 1, out, 0, W.cols);
  return wrapRows(X, out, W.cols);
}

/** VJP of {@link dense}: cotangents of the input, the kernel and the bias. */
export function denseVjp(gy: Tensor, x: Tensor, kernel: Frames, bias: Float64Array): { x: Tensor; kernel: Frames; bias: Float64Array } {
  const fn = 'denseVjp';
  const { X, W } = readDense(fn, x, kernel, bias);
  const G = readRows(fn, 'gy', gy);
  if (G.rows !== X.rows || G.c !== W.cols) fail(fn, `gy must have ${X.rows} rows of ${W.cols} channels like dense's output (got ${G.rows} of ${G.c})`);
  const gx = new Float64Array(X.rows * X.c);
  gemm('N', 'T', X.rows, X.c, W.cols, G.data, 0, W.cols, W.data, 0, W.cols, 0, gx, 0, X.c);
  const gk = new Float64Array(X.c * W.cols);
  gemm('T', 'N', X.c, W.cols, X.rows, X.data, 0, X.c, G.data, 0, W.cols, 0, gk, 0, W.cols);
  const gb = new Float64Array(W.cols);
  for (let r = 0; r < X.rows; r++) for (let j = 0; j < W.cols; j++) gb[j] += G.data[r * W.cols + j];
  return { x: wrapRows(X, gx, X.c), kernel: frames(gk, X.c, W.cols), bias: gb };
}
