/**
 * Leaky ReLU, y = x for x ≥ 0 and α·x below, with DDSP's slope α = 0.2 (TF's leaky_relu; the
 * Keras *layer* defaults to 0.3 and PyTorch to 0.01). VJP: x̄ = ȳ where x > 0, α·ȳ where x < 0
 * (and α·ȳ at exactly 0, as TF).
 */
import { checkNumber, fail, readOptions } from '../core/errors.ts';
import { readRows, wrapRows, type Tensor } from './tensor.ts';

export interface LeakyReluOptions {
  /** Slope below zero. Default 0.2 (DDSP). */
  alpha?: number;
}

function alphaOf(fn: string, opts: LeakyReluOptions): number {
  const { alpha = 0.2 } = readOptions(fn, opts, ['alpha']);
  checkNumber(fn, 'opts.alpha', alpha);
  return alpha;
}

/** @example leakyRelu(frames(Float64Array.of(-1, 2), 1, 2)) // [[−0.2, 2]] */
export function leakyRelu(x: Tensor, opts: LeakyReluOptions = {}): Tensor {
  const a = alphaOf('leakyRelu', opts);
  const X = readRows('leakyRelu', 'x', x);
  const out = X.data.map((v) => (v > 0 ? v : a * v));
  return wrapRows(X, out, X.c);
}

/** VJP of {@link leakyRelu}. */
export function leakyReluVjp(gy: Tensor, x: Tensor, opts: LeakyReluOptions = {}): Tensor {
  const fn = 'leakyReluVjp';
  const a = alphaOf(fn, opts);
  const X = readRows(fn, 'x', x);
  const G = readRows(fn, 'gy', gy);
  if (G.data.length !== X.data.length) fail(fn, `gy must have the shape of x (${X.shape.join(' × ')}; got ${G.shape.join(' × ')})`);
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < out.length; i++) out[i] = X.data[i] > 0 ? G.data[i] : a * G.data[i];
  return wrapRows(X, out, X.c);
}
