import { describe, it } from 'vitest';
import ndarray from 'ndarray';
import { checkNodeVjp, frames, named, nn, seq, type Frames } from '../../src/index.ts';
import { fc, num, arrayOf, expectVjp } from '../helpers.ts';

const t3 = (d: Float64Array, b: number, t: number, c: number) => ndarray(d, [b, t, c]);
type Nd = ndarray.NdArray<Float64Array>;

describe('layer VJPs match finite differences', () => {
  it('dense in x [B, T, in], kernel and bias', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
      .chain(([B, T, I, O]) => fc.record({ x: arrayOf(num(-2, 2), B * T * I, B * T * I), k: arrayOf(num(-1, 1), I * O, I * O), b: arrayOf(num(-1, 1), O, O) })
        .map((r) => ({ ...r, B, T, I, O })));
    fc.assert(fc.property(arb, ({ x, k, b, B, T, I, O }) => {
      type Z = { x: Nd; k: Frames; b: Float64Array };
      expectVjp((z: Z) => nn.dense(z.x, z.k, z.b), (g: Nd, z: Z) => {
        const r = nn.denseVjp(g, z.x, z.k, z.b);
        return { x: r.x, k: r.kernel, b: r.bias };
      }, { x: t3(x, B, T, I), k: frames(k, I, O), b });
    }));
  });
  it('layerNorm in x, gamma and beta (ε 1e-3)', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 9 }))
      .chain(([R, C]) => fc.record({ x: arrayOf(num(-3, 3), R * C, R * C), g: arrayOf(num(-2, 2), C, C), b: arrayOf(num(-1, 1), C, C) }).map((r) => ({ ...r, R, C })));
    fc.assert(fc.property(arb, ({ x, g, b, R, C }) => {
      type Z = { x: Frames; g: Float64Array; b: Float64Array };
      expectVjp((z: Z) => nn.layerNorm(z.x, z.g, z.b), (gy: Frames, z: Z) => {
        const r = nn.layerNormVjp(gy, z.x, z.g, z.b);
        return { x: r.x, g: r.gamma, b: r.beta };
      }, { x: frames(x, R, C), g, b });
    }));
  });
  it('leakyRelu away from its kink at 0', () => {
    fc.assert(fc.property(arrayOf(num(-3, 3).filter((v) => Math.abs(v) > 1e-3), 1, 40), (x) => {
      expectVjp((z: Frames) => nn.leakyRelu(z), (g: Frames, z: Frames) => nn.leakyReluVjp(g, z), frames(x, x.length, 1));
    }));
  });
  it('gru through ≥ 50 frames, in x, every weight and a random initial state, from the sequence and the last state', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 50, max: 70 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }))
      .chain(([B, T, I, u]) => fc.record({
        x: arrayOf(num(-1, 1), B * T * I, B * T * I), W: arrayOf(num(-0.8, 0.8), I * 3 * u, I * 3 * u), U: arrayOf(num(-0.8, 0.8), 3 * u * u, 3 * u * u),
        b: arrayOf(num(-0.5, 0.5), 6 * u, 6 * u), h: arrayOf(num(-1, 1), B * u, B * u),
      }).map((r) => ({ ...r, B, T, I, u })));
    fc.assert(fc.property(arb, ({ x, W, U, b, h, B, T, I, u }) => {
      type Z = { x: Nd; W: Frames; U: Frames; b: Frames; h: Frames };
      const w = (z: Z) => ({ kernel: z.W, recurrentKernel: z.U, bias: z.b });
      expectVjp(
        (z: Z) => {
          const o = nn.gru(z.x, w(z), { initialState: z.h });
          return { sequence: o.sequence, state: o.state };
        },
        (g: { sequence: Nd; state: Frames }, z: Z) => {
          const r = nn.gruVjp(g, z.x, w(z), { initialState: z.h });
          return { x: r.x, W: r.weights.kernel, U: r.weights.recurrentKernel, b: r.weights.bias, h: r.initialState };
        },
        { x: t3(x, B, T, I), W: frames(W, I, 3 * u), U: frames(U, u, 3 * u), b: frames(b, 2, 3 * u), h: frames(h, B, u) },
      );
    }), { numRuns: 25 });
  });
  it('gruStep in x, h and the weights', () => {
    fc.assert(fc.property(arrayOf(num(-1, 1), 2 * 3, 2 * 3), arrayOf(num(-1, 1), 2 * 2, 2 * 2), arrayOf(num(-0.8, 0.8), 3 * 6 + 2 * 6 + 2 * 6, 42), (x, h, w) => {
      type Z = { x: Frames; h: Frames; W: Frames; U: Frames; b: Frames };
      const ws = (z: Z) => ({ kernel: z.W, recurrentKernel: z.U, bias: z.b });
      expectVjp((z: Z) => nn.gruStep(z.x, z.h, ws(z)), (g: Frames, z: Z) => {
        const r = nn.gruStepVjp(g, z.x, z.h, ws(z));
        return { x: r.x, h: r.h, W: r.weights.kernel, U: r.weights.recurrentKernel, b: r.weights.bias };
      }, { x: frames(x, 2, 3), h: frames(h, 2, 2), W: frames(w.slice(0, 18), 3, 6), U: frames(w.slice(18, 30), 2, 6), b: frames(w.slice(30, 42), 2, 6) });
    }));
  });
});

describe('layer nodes pass checkNodeVjp', () => {
  it("DDSP's decoder core: FcStack → GRU → dense, in the input and every parameter", () => {
    // Inputs away from 0: an all-zero row meets the zero biases at leaky ReLU's kink.
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), arrayOf(num(-1, 1).filter((v) => Math.abs(v) > 0.05), 2 * 8 * 2, 2 * 8 * 2), (seed, x) => {
      const net = seq(named('stack', nn.layers.fcStack(2)), named('rnn', nn.layers.gru()), named('out', nn.layers.dense()));
      const params = { stack: nn.layers.initFcStack(seed, 2, 5, 2), rnn: nn.layers.initGru(seed + 7, 5, 3), out: nn.layers.initDense(seed + 9, 3, 4) };
      const r = checkNodeVjp(net, t3(x, 2, 8, 2), params as never, { eps: 1e-7 });
      if (!r.ok) throw new Error(r.message);
    }), { numRuns: 30 });
  });
});
