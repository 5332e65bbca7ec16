import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { frames, nn } from '../../src/index.ts';
import { expectClose, randomArray } from '../helpers.ts';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('dense', () => {
  it('is x·W + b over the last axis, for [rows, in] and [batch, frames, in]', () => {
    const y = nn.dense(frames(f64(1, 2, 3, 4), 2, 2), frames(f64(1, 0, 2, 0, 1, 3), 2, 3), f64(0.5, 0, -1));
    expect(Array.from(y.data)).toEqual([1.5, 2, 7, 3.5, 4, 17]);
    const x3 = ndarray(randomArray(2 * 3 * 4, 1), [2, 3, 4]);
    const W = frames(randomArray(4 * 5, 2), 4, 5);
    const y3 = nn.dense(x3, W, new Float64Array(5));
    expect(y3.shape).toEqual([2, 3, 5]);
    for (let b = 0; b < 2; b++) for (let t = 0; t < 3; t++) for (let j = 0; j < 5; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += x3.get(b, t, k) * W.get(k, j);
      expect(y3.get(b, t, j)).toBeCloseTo(s, 12);
    }
  });
  it('rejects a kernel whose rows are not the input channels', () => {
    expect(() => nn.dense(frames(f64(1, 2), 1, 2), frames(f64(1, 2, 3), 3, 1), f64(0))).toThrow('dense: kernel must be [2, any] (got [3, 1])');
  });
});

describe('layerNorm', () => {
  it('normalises each row to mean 0 and variance v/(v + ε), then scales and shifts (ε = 1e-3, Keras)', () => {
    const x = frames(f64(1, 3, 5, 7, -2, -2, -2, 6), 2, 4);
    const y = nn.layerNorm(x, f64(1, 1, 1, 1), f64(0, 0, 0, 0));
    // Row 0: mean 4, variance 5 → (x − 4)/√5.001.
    expectClose(y.data.slice(0, 4), [-3, -1, 1, 3].map((v) => v / Math.sqrt(5.001)), 1e-14);
    const z = nn.layerNorm(x, f64(2, 2, 2, 2), f64(1, 1, 1, 1));
    expectClose(z.data, Array.from(y.data, (v) => 2 * v + 1), 1e-14);
    // ε as an option: 1e-5 is PyTorch's.
    const t = nn.layerNorm(x, f64(1, 1, 1, 1), f64(0, 0, 0, 0), { epsilon: 1e-5 });
    expect(t.get(0, 3)).toBeCloseTo(3 / Math.sqrt(5.00001), 14);
  });
});

describe('leakyRelu', () => {
  it('has slope 0.2 below zero by default (DDSP), any slope as an option', () => {
    expect(Array.from(nn.leakyRelu(frames(f64(-1, 0, 2), 1, 3)).data)).toEqual([-0.2, 0, 2]);
    expect(Array.from(nn.leakyRelu(frames(f64(-1, 2), 1, 2), { alpha: 0.01 }).data)).toEqual([-0.01, 2]);
  });
});

/** An independent GRU: per example, per step, matrix–vector products written out (Keras' equations). */
function gruReference(x: number[][][], W: number[][], U: number[][], bx: number[], bh: number[], h0: number[][]): number[][][] {
  const u = U.length;
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  return x.map((seq, b) => {
    let h = h0[b].slice();
    return seq.map((xt) => {
      const mv = (v: number[], M: number[][], col: number) => v.reduce((s, vi, i) => s + vi * M[i][col], 0);
      const next = h.map((hj, j) => {
        const z = sig(mv(xt, W, j) + bx[j] + mv(h, U, j) + bh[j]);
        const r = sig(mv(xt, W, u + j) + bx[u + j] + mv(h, U, u + j) + bh[u + j]);
        const n = Math.tanh(mv(xt, W, 2 * u + j) + bx[2 * u + j] + r * (mv(h, U, 2 * u + j) + bh[2 * u + j]));
        return z * hj + (1 - z) * n;
      });
      h = next;
      return next;
    });
  });
}

describe('gru', () => {
  const B = 2, T = 6, I = 3, u = 4;
  const x = ndarray(randomArray(B * T * I, 11), [B, T, I]);
  const weights = { kernel: frames(randomArray(I * 3 * u, 12), I, 3 * u), recurrentKernel: frames(randomArray(u * 3 * u, 13), u, 3 * u), bias: frames(randomArray(6 * u, 14, -0.5, 0.5), 2, 3 * u) };
  const h0 = frames(randomArray(B * u, 15), B, u);
  const rows = (t: ndarray.NdArray, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => t.get(i, j)));

  it("equals Keras' equations written out independently (reset_after, gates z | r | h, two biases)", () => {
    const { sequence, state } = nn.gru(x, weights, { initialState: h0 });
    const xs = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from({ length: I }, (_, i) => x.get(b, t, i))));
    const ref = gruReference(xs, rows(weights.kernel, I, 3 * u), rows(weights.recurrentKernel, u, 3 * u), Array.from(weights.bias.data.slice(0, 3 * u)), Array.from(weights.bias.data.slice(3 * u)), rows(h0, B, u));
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let j = 0; j < u; j++) expect(sequence.get(b, t, j)).toBeCloseTo(ref[b][t][j], 13);
    for (let b = 0; b < B; b++) for (let j = 0; j < u; j++) expect(state.get(b, j)).toBe(sequence.get(b, T - 1, j));
  });
  it('streams: two blocks with the state carried equal one pass; gruStep is one frame', () => {
    const whole = nn.gru(x, weights).sequence;
    const first = nn.gru(ndarray(x.data.slice(0, 0), [0, 0, 0]).shape.length ? ndarray(sliceT(x, 0, 4), [B, 4, I]) : x, weights);
    const second = nn.gru(ndarray(sliceT(x, 4, T), [B, T - 4, I]), weights, { initialState: first.state });
    for (let b = 0; b < B; b++) for (let j = 0; j < u; j++) expect(second.sequence.get(b, 1, j)).toBe(whole.get(b, T - 1, j));
    const step = nn.gruStep(frames(sliceT(x, 4, 5), B, I), first.state, weights);
    for (let b = 0; b < B; b++) for (let j = 0; j < u; j++) expect(step.get(b, j)).toBe(whole.get(b, 4, j));
  });
  it('takes one example as [T, in]', () => {
    const one = nn.gru(ndarray(sliceT(x, 0, T).slice(0, T * I), [T, I]), weights).sequence;
    const batched = nn.gru(x, weights).sequence;
    expect(one.shape).toEqual([T, u]);
    for (let t = 0; t < T; t++) for (let j = 0; j < u; j++) expect(one.get(t, j)).toBe(batched.get(0, t, j));
  });
  function sliceT(t: ndarray.NdArray<Float64Array>, a: number, b: number): Float64Array {
    const out: number[] = [];
    for (let i = 0; i < B; i++) for (let k = a; k < b; k++) for (let c = 0; c < I; c++) out.push(t.get(i, k, c));
    return Float64Array.from(out);
  }
});

describe('initialisers', () => {
  it('glorot uniform lies in ±√(6/(in + out)) with mean ≈ 0; orthogonal rows are orthonormal', () => {
    const w = nn.glorotUniform(3, 64, 32);
    const l = Math.sqrt(6 / 96);
    expect(w.data.every((v) => Math.abs(v) <= l)).toBe(true);
    expect(Math.abs(w.data.reduce((s, v) => s + v, 0) / w.data.length)).toBeLessThan(0.02);
    const q = nn.orthogonal(4, 8, 24);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let k = 0; k < 24; k++) s += q.get(i, k) * q.get(j, k);
      expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
    }
    expect(nn.orthogonal(4, 8, 24).data).toEqual(q.data);
  });
  it("counts parameters as Keras does: DDSP's FcStack(512, 3) on 1 input has 528,384 + 3·1024", () => {
    const p = nn.layers.initFcStack(0, 1, 512, 3);
    // dense 1→512 (1024), 512→512 ×2 (262,656 each), layer norms 3 × 1024.
    expect(nn.layers.countParams(p)).toBe(1024 + 2 * 262656 + 3 * 1024);
    expect(nn.layers.countParams({ g: nn.layers.initGru(0, 1024, 512) })).toBe(1024 * 1536 + 512 * 1536 + 2 * 1536);
  });
});
