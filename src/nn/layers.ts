/**
 * The layers as graph Nodes with parameters (scope them with `named`), and seeded initial
 * parameters for each, Keras' initialisers:
 *   dense()       x [.., in] → [.., out]     params { kernel [in, out], bias [out] }
 *   layerNorm()   normalise the last axis     params { gamma, beta }
 *   leakyRelu()   slope 0.2 below zero         —
 *   fc()          dense → layerNorm → leakyRelu (DDSP's Fc)   params { dense, norm }
 *   fcStack(n)    n fc layers (DDSP's FcStack)                params { fc0, fc1, … }
 *   gru()         x [B, T, in] → states [B, T, u]              params { kernel, recurrentKernel, bias }
 * @example
 *   const net = seq(named('stack', fcStack(3)), named('rnn', gru()));
 *   const params = { stack: initFcStack(0, 2, 512, 3), rnn: initGru(1, 512, 512) };
 */
import { checkSize, fail, readOptions } from '../core/errors.ts';
import { frames, type Frames } from '../core/frames.ts';
import type { Cotangent, Params } from '../core/tree.ts';
import type { Node } from '../graph/node.ts';
import { named, seq } from '../graph/combinators.ts';
import { guardNode, requireParam } from '../graph/guard.ts';
import { dense as denseOp, denseVjp } from './dense.ts';
import { layerNorm as layerNormOp, layerNormVjp, type LayerNormOptions } from './layerNorm.ts';
import { leakyRelu as leakyReluOp, leakyReluVjp, type LeakyReluOptions } from './leakyRelu.ts';
import { gru as gruOp, gruVjp, type GruWeights } from './gru.ts';
import { glorotUniform, orthogonal } from './init.ts';
import type { Tensor } from './tensor.ts';

const param = <T>(fn: string, p: Params, key: string): T => requireParam(fn, p, key) as T;

/** Keras' Dense as a Node: params { kernel [in, out], bias [out] }. */
export function dense(): Node {
  const f = 'dense';
  const w = (p: Params) => [param<Frames>(f, p, 'kernel'), param<Float64Array>(f, p, 'bias')] as const;
  return guardNode(f, {
    name: f,
    forward: (x, p) => denseOp(x as Tensor, ...w(p)),
    vjp: (x, p) => {
      const [k, b] = w(p);
      return [denseOp(x as Tensor, k, b), (g) => {
        if (g === undefined) return [undefined, undefined];
        const r = denseVjp(g as Tensor, x as Tensor, k, b);
        return [r.x, { kernel: r.kernel, bias: r.bias }];
      }];
    },
  });
}

/** Keras' LayerNormalization as a Node (ε 1e-3): params { gamma, beta }. */
export function layerNorm(opts: LayerNormOptions = {}): Node {
  const f = 'layerNorm';
  const o = readOptions(f, opts, ['epsilon']);
  const w = (p: Params) => [param<Float64Array>(f, p, 'gamma'), param<Float64Array>(f, p, 'beta')] as const;
  return guardNode(f, {
    name: f,
    forward: (x, p) => layerNormOp(x as Tensor, ...w(p), o),
    vjp: (x, p) => {
      const [g0, b0] = w(p);
      return [layerNormOp(x as Tensor, g0, b0, o), (g) => {
        if (g === undefined) return [undefined, undefined];
        const r = layerNormVjp(g as Tensor, x as Tensor, g0, b0, o);
        return [r.x, { gamma: r.gamma, beta: r.beta }];
      }];
    },
  });
}

/** Leaky ReLU as a Node (slope 0.2, DDSP). */
export function leakyRelu(opts: LeakyReluOptions = {}): Node {
  const f = 'leakyRelu';
  const o = readOptions(f, opts, ['alpha']);
  return guardNode(f, {
    name: f,
    forward: (x) => leakyReluOp(x as Tensor, o),
    vjp: (x) => [leakyReluOp(x as Tensor, o), (g) => [g === undefined ? undefined : leakyReluVjp(g as Tensor, x as Tensor, o), undefined]],
  });
}

/** DDSP's Fc: dense → layer norm → leaky ReLU; params { dense, norm }. */
export function fc(): Node {
  return seq(named('dense', dense()), named('norm', layerNorm()), leakyRelu());
}

/** DDSP's FcStack of `layers` fc layers; params { fc0, fc1, … }. */
export function fcStack(layers: number): Node {
  checkSize('fcStack', 'layers', layers, 1);
  if (layers > 64) fail('fcStack', `layers must be at most 64 (got ${layers})`);
  return seq(...Array.from({ length: layers }, (_, i) => named(`fc${i}`, fc())));
}

/** Keras' GRU as a Node over a sequence: x [B, T, in] (or [T, in]) → every state; params { kernel, recurrentKernel, bias }. */
export function gru(): Node {
  const f = 'gru';
  const w = (p: Params): GruWeights => ({
    kernel: param<Frames>(f, p, 'kernel'), recurrentKernel: param<Frames>(f, p, 'recurrentKernel'), bias: param<Frames>(f, p, 'bias'),
  });
  return guardNode(f, {
    name: f,
    forward: (x, p) => gruOp(x as Tensor, w(p)).sequence,
    vjp: (x, p) => {
      const weights = w(p);
      return [gruOp(x as Tensor, weights).sequence, (g) => {
        if (g === undefined) return [undefined, undefined];
        const r = gruVjp({ sequence: g as Tensor }, x as Tensor, weights);
        return [r.x, { ...r.weights } as Cotangent];
      }];
    },
  });
}

// ---- initial parameters -------------------------------------------------------------------

/** Validate an initialiser's seed and sizes under its own name. */
function checkInit(fn: string, seed: unknown, sizes: Record<string, unknown>): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) fail(fn, `seed must be an integer (got ${seed === null ? 'null' : typeof seed === 'number' ? seed : typeof seed})`);
  for (const [k, v] of Object.entries(sizes)) {
    checkSize(fn, k, v, 1);
    if ((v as number) > 2 ** 16) fail(fn, `${k} must be at most 65536 (got ${v})`);
  }
}

/** { kernel: glorot uniform [inDim, units], bias: zeros }. */
export function initDense(seed: number, inDim: number, units: number): { kernel: Frames; bias: Float64Array } {
  checkInit('initDense', seed, { inDim, units });
  return { kernel: glorotUniform(seed, inDim, units), bias: new Float64Array(units) };
}

/** { gamma: ones, beta: zeros }. */
export function initLayerNorm(channels: number): { gamma: Float64Array; beta: Float64Array } {
  checkSize('initLayerNorm', 'channels', channels, 1);
  if (channels > 2 ** 24) fail('initLayerNorm', `channels must be at most 2^24 (got ${channels})`);
  return { gamma: new Float64Array(channels).fill(1), beta: new Float64Array(channels) };
}

/** Parameters of {@link fc}: { dense, norm }. */
export function initFc(seed: number, inDim: number, ch: number): Params {
  checkInit('initFc', seed, { inDim, ch });
  return { dense: initDense(seed, inDim, ch), norm: initLayerNorm(ch) };
}

/** Parameters of {@link fcStack}: { fc0, fc1, … } with seeds seed, seed + 1, …. */
export function initFcStack(seed: number, inDim: number, ch: number, layers: number): Params {
  checkInit('initFcStack', seed, { inDim, ch, layers });
  return Object.fromEntries(Array.from({ length: layers }, (_, i) => [`fc${i}`, initFc(seed + i, i === 0 ? inDim : ch, ch)])) as Params;
}

/** Parameters of {@link gru}: glorot-uniform kernel, orthogonal recurrent kernel, zero bias. */
export function initGru(seed: number, inDim: number, units: number): { kernel: Frames; recurrentKernel: Frames; bias: Frames } {
  checkInit('initGru', seed, { inDim, units });
  return { kernel: glorotUniform(seed, inDim, 3 * units), recurrentKernel: orthogonal(seed + 1, units, 3 * units), bias: frames(new Float64Array(6 * units), 2, 3 * units) };
}

/** The number of scalars in a parameter tree (e.g. to compare with Keras' count_params). */
export function countParams(params: Params): number {
  let n = 0;
  const walk = (t: unknown) => {
    if (t instanceof Float64Array) n += t.length;
    else if (typeof t === 'object' && t !== null && 'shape' in t && 'data' in t) n += (t as { shape: number[] }).shape.reduce((a, b) => a * b, 1);
    else if (Array.isArray(t)) t.forEach(walk);
    else if (typeof t === 'object' && t !== null) Object.values(t).forEach(walk);
    else fail('countParams', `params must be a tree of Float64Arrays and ndarrays (found ${t === null ? 'null' : typeof t})`);
  };
  if (typeof params !== 'object' || params === null) fail('countParams', `params must be a tree of parameters (got ${params === null ? 'null' : typeof params})`);
  walk(params);
  return n;
}

