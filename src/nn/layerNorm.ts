/**
 * Keras' LayerNormalization over the last axis (ε = 1e-3 by default, as Keras and DDSP):
 *   μ = mean(x),  σ² = mean((x − μ)²),  x̂ = (x − μ)/√(σ² + ε),  y = γ⊙x̂ + β.
 * VJP per row, with d = ȳ⊙γ:  x̄ = (d − mean(d) − x̂·mean(d⊙x̂))/√(σ² + ε),
 *   γ̄ = Σ_rows ȳ⊙x̂,  β̄ = Σ_rows ȳ.
 */
import { checkPositive, fail, readOptions } from '../core/errors.ts';
import { readRows, readVector, wrapRows, type Tensor } from './tensor.ts';

export interface LayerNormOptions {
  /** Added to the variance. Default 1e-3 (Keras; PyTorch uses 1e-5). */
  epsilon?: number;
}

function setup(fn: string, x: unknown, gamma: unknown, beta: unknown, opts: LayerNormOptions) {
  const { epsilon = 1e-3 } = readOptions(fn, opts, ['epsilon']);
  checkPositive(fn, 'opts.epsilon', epsilon);
  const X = readRows(fn, 'x', x);
  const g = readVector(fn, 'gamma', gamma, X.c);
  const b = readVector(fn, 'beta', beta, X.c);
  return { X, g, b, epsilon };
}

/** Row r's x̂ into `xh` (length c); returns 1/√(σ² + ε). */
function normalise(x: Float64Array, off: number, c: number, eps: number, xh: Float64Array): number {
  let m = 0;
  for (let j = 0; j < c; j++) m += x[off + j];
  m /= c;
  let v = 0;
  for (let j = 0; j < c; j++) {
    const d = x[off + j] - m;
    v += d * d;
  }
  const rstd = 1 / Math.sqrt(v / c + eps);
  for (let j = 0; j < c; j++) xh[j] = (x[off + j] - m) * rstd;
  return rstd;
}

/** @example layerNorm(frames(Float64Array.of(1, 3), 1, 2), Float64Array.of(1, 1), Float64Array.of(0, 0)) // ≈ [[−1, 1]] */
export function layerNorm(x: Tensor, gamma: Float64Array, beta: Float64Array, opts: LayerNormOptions = {}): Tensor {
  const { X, g, b, epsilon } = setup('layerNorm', x, gamma, beta, opts);
  const { rows, c, data } = X;
  const out = new Float64Array(rows * c);
  const xh = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    normalise(data, r * c, c, epsilon, xh);
    for (let j = 0; j < c; j++) out[r * c + j] = g[j] * xh[j] + b[j];
  }
  return wrapRows(X, out, c);
}

/** VJP of {@link layerNorm}: cotangents of x, γ and β. */
export function layerNormVjp(gy: Tensor, x: Tensor, gamma: Float64Array, beta: Float64Array, opts: LayerNormOptions = {}): { x: Tensor; gamma: Float64Array; beta: Float64Array } {
  const fn = 'layerNormVjp';
  const { X, g, epsilon } = setup(fn, x, gamma, beta, opts);
  const G = readRows(fn, 'gy', gy);
  if (G.rows !== X.rows || G.c !== X.c) fail(fn, `gy must have ${X.rows} rows of ${X.c} channels (got ${G.rows} of ${G.c})`);
  const { rows, c, data } = X;
  const gx = new Float64Array(rows * c);
  const gg = new Float64Array(c);
  const gb = new Float64Array(c);
  const xh = new Float64Array(c);
  const d = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    const rstd = normalise(data, r * c, c, epsilon, xh);
    let md = 0;
    let mdx = 0;
    for (let j = 0; j < c; j++) {
      const gyj = G.data[r * c + j];
      gg[j] += gyj * xh[j];
      gb[j] += gyj;
      d[j] = gyj * g[j];
      md += d[j];
      mdx += d[j] * xh[j];
    }
    md /= c;
    mdx /= c;
    for (let j = 0; j < c; j++) gx[r * c + j] = (d[j] - md - xh[j] * mdx) * rstd;
  }
  return { x: wrapRows(X, gx, c), gamma: gg, beta: gb };
}
