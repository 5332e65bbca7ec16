import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { frames, io, named, nn } from '../../src/index.ts';
import { randomArray } from '../helpers.ts';

describe('PyTorch interop', () => {
  it("maps nn.GRU's gates (r | z | n rows) onto ours (z | r | h columns): PyTorch's equations written out agree", () => {
    const I = 3, H = 4, T = 6;
    const wih = randomArray(3 * H * I, 1), whh = randomArray(3 * H * H, 2), bih = randomArray(3 * H, 3), bhh = randomArray(3 * H, 4);
    const x = randomArray(T * I, 5);
    // PyTorch: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(…), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h.
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const row = (W: Float64Array, cols: number, r: number, v: ArrayLike<number>) => Array.from({ length: cols }, (_, k) => W[r * cols + k] * v[k]).reduce((a, b) => a + b, 0);
    let h = new Array(H).fill(0);
    const ref: number[][] = [];
    for (let t = 0; t < T; t++) {
      const xt = x.slice(t * I, (t + 1) * I);
      h = h.map((hj, j) => {
        const r = sig(row(wih, I, j, xt) + bih[j] + row(whh, H, j, h) + bhh[j]);
        const z = sig(row(wih, I, H + j, xt) + bih[H + j] + row(whh, H, H + j, h) + bhh[H + j]);
        const n = Math.tanh(row(wih, I, 2 * H + j, xt) + bih[2 * H + j] + r * (row(whh, H, 2 * H + j, h) + bhh[2 * H + j]));
        return (1 - z) * n + z * hj;
      });
      ref.push(h.slice());
    }
    const w = nn.gruFromPyTorch({
      'g.weight_ih_l0': { data: wih, shape: [3 * H, I] }, 'g.weight_hh_l0': { data: whh, shape: [3 * H, H] },
      'g.bias_ih_l0': { data: bih, shape: [3 * H] }, 'g.bias_hh_l0': { data: bhh, shape: [3 * H] },
    }, 'g.', I, H);
    const seq = nn.gru(frames(x, T, I), w).sequence;
    for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) expect(seq.get(t, j)).toBeCloseTo(ref[t][j], 13);
  });

  it('runs a decoder trained in PyTorch (fixture from test/fixtures/pytorch/make_decoder_fixture.py) to PyTorch’s outputs', () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/pytorch/decoder.safetensors', import.meta.url)));
    const { tensors, metadata } = io.decodeSafetensors(bytes);
    expect(metadata.torch).toMatch(/^\d/);
    const opts = { rnnChannels: 6, ch: 5, layersPerStack: 2, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 4], ['noise_magnitudes', 3]] } as const;
    const params = nn.decoderFromPyTorch(tensors, opts);
    const x = Object.fromEntries(opts.inputKeys.map((k) => [k, ndarray(tensors[`input.${k}`].data as Float64Array, tensors[`input.${k}`].shape)]));
    const y = named('d', nn.rnnFcDecoder(opts)).forward(x, { d: params }) as Record<string, ndarray.NdArray<Float64Array>>;
    for (const [name] of opts.outputSplits) {
      const want = tensors[`output.${name}`];
      expect(y[name].shape).toEqual(want.shape);
      let worst = 0;
      y[name].data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want.data[i]))));
      expect(worst).toBeLessThan(1e-12);
    }
  });
});
