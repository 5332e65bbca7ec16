/**
 * ddsp/gpu's RnnFcDecoder against nn.rnnFcDecoder: outputs and every parameter's cotangent,
 * with and without Fc stacks, batched and not.
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { gpuBackend } from '../../src/gpu/index.ts';
import { initRnnFcDecoder, rnnFcDecoder, type RnnFcDecoderOptions } from '../../src/nn/decoder.ts';
import type { Params } from '../../src/core/tree.ts';
import { leaves, relL2 } from '../helpers.ts';

const splits = [['amps', 1], ['harmonic_distribution', 5], ['noise_magnitudes', 4]] as const;

describe('ddsp/gpu rnnFcDecoder', () => {
  for (const [label, o, B] of [
    ['stacks of 2, batch 2', { rnnChannels: 8, ch: 6, layersPerStack: 2, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: splits }, 2],
    ['no stacks (tiny_instrument form), 2-D input', { rnnChannels: 7, ch: 6, layersPerStack: 0, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: splits }, 0],
  ] as [string, RnnFcDecoderOptions, number][]) {
    it(`equals the CPU decoder forward and backward: ${label}`, async () => {
      const gpu = await gpuBackend({ quiet: true });
      const T = 12;
      const shape = B ? [B, T, 1] : [T, 1];
      const n = (B || 1) * T;
      const inputs = {
        ld_scaled: ndarray(Float64Array.from({ length: n }, (_, i) => 0.5 + 0.3 * Math.sin(i / 3)), shape),
        f0_scaled: ndarray(Float64Array.from({ length: n }, (_, i) => 0.4 + 0.1 * Math.cos(i / 5)), shape),
      };
      const params = initRnnFcDecoder(o, 3);
      const cpu = rnnFcDecoder(o);
      const [yc, pb] = cpu.vjp(inputs as never, params);
      const dec = gpu.rnnFcDecoder(o);
      const [yg, pg] = await dec.vjp(inputs, params);
      const live = gpu.liveBuffers();
      const fwd = await dec.forward(inputs, params);
      expect(gpu.liveBuffers()).toBe(live);
      for (const [name, w] of splits) {
        const ref = (yc as Record<string, { data: Float64Array; shape: number[] }>)[name];
        expect(yg[name].shape).toEqual(ref.shape);
        expect(yg[name].shape[yg[name].shape.length - 1]).toBe(w);
        expect(relL2(yg[name].data, ref.data)).toBeLessThan(1e-5);
        expect(Array.from(fwd[name].data)).toEqual(Array.from(yg[name].data));
      }
      const g = Object.fromEntries(splits.map(([name, w], i) => [name, ndarray(Float64Array.from({ length: n * w }, (_, j) => Math.sin(j * 0.7 + i)), B ? [B, T, w] : [T, w])]));
      const [, gcp] = pb(g as never);
      const ggp = await pg(g);
      const ref = leaves(gcp as Params);
      const got = new Map(leaves(ggp));
      expect([...got.keys()].sort()).toEqual(ref.map(([p]) => p).sort());
      for (const [path, v] of ref) expect(relL2(got.get(path) as Float64Array, v), path).toBeLessThan(1e-4);
      await expect(pg(g)).rejects.toThrow('gpu.rnnFcDecoder.vjp: the pullback runs once');
    }, 60_000);
  }
  it('names bad parameters and inputs by path', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const o: RnnFcDecoderOptions = { rnnChannels: 8, ch: 6, layersPerStack: 1, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: splits };
    const dec = gpu.rnnFcDecoder(o);
    const params = initRnnFcDecoder(o, 0) as Record<string, Record<string, unknown>>;
    const x = ndarray(new Float64Array(10), [10, 1]);
    const wrong = { ...params, rnn: { ...params.rnn, kernel: initRnnFcDecoder({ ...o, rnnChannels: 4 }, 0).rnn } };
    await expect(dec.forward({ ld_scaled: x, f0_scaled: x }, wrong as Params)).rejects.toThrow('gpu.rnnFcDecoder.forward: params.rnn.kernel must be a float64 ndarray [12, 24]');
    await expect(dec.forward({ ld_scaled: x }, params as Params)).rejects.toThrow('gpu.rnnFcDecoder.forward: inputs.f0_scaled must be a float64 ndarray');
    expect(() => gpu.rnnFcDecoder({ ...o, ch: 0 })).toThrow('gpu.rnnFcDecoder: opts.ch');
  }, 60_000);
});
