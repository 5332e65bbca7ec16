import { describe, expect, it } from 'vitest';
import { nn, train } from '../../src/index.ts';
import { randomArray } from '../helpers.ts';
import { createTask } from '../../src/train/autoencoderTask.ts';
import * as node from '../../src/node/index.ts';

const preset = {
  decoder: { rnnChannels: 3, ch: 4, layersPerStack: 1, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 3], ['noise_magnitudes', 5]] },
  frameRate: 250, nSamples: 64, sampleRate: 2000, reverbLength: 8, noiseWindowSize: 0, doc: 'tiny',
};
const config = { preset, loss: { fftSizes: [32, 16], logmagWeight: 1 } };
const module = new URL('../../src/train/autoencoderTask.ts', import.meta.url);
const runtime = (globalThis as { Deno?: unknown }).Deno !== undefined ? 'deno' : (globalThis as { Bun?: unknown }).Bun !== undefined ? 'bun' : 'node';
const execArgv = runtime === 'node' ? ['--import', 'tsx'] : [];

function examples(n: number) {
  return Array.from({ length: n }, (_, b) => {
    const f0 = Float64Array.from({ length: 8 }, (_, i) => 150 + 20 * b + 5 * i);
    const audio = randomArray(64, 10 + b, -0.5, 0.5);
    const ld = nn.loudnessFeature([audio], preset as never).data;
    const s = nn.preprocess({ data: f0, shape: [8, 1], stride: [1, 1], offset: 0 } as never, { data: ld, shape: [8, 1], stride: [1, 1], offset: 0 } as never);
    return { f0_scaled: Float64Array.from(s.f0_scaled.data), ld_scaled: Float64Array.from(s.ld_scaled.data), f0_hz: f0, audio };
  });
}

const bits = (g: unknown): string => JSON.stringify(g, (_k, v) => (v instanceof Float64Array ? Array.from(new Uint32Array(v.slice().buffer)) : v));

describe('dataParallel', () => {
  it('gives bit-identical losses and gradients with 0, 1 and 2 worker threads (the shards fix the summation order)', async () => {
    const params = nn.initAutoencoder({ preset: preset as never }, 3);
    const batch = examples(4);
    const results: string[] = [];
    for (const workers of [0, 1, 2]) {
      const dp = await node.dataParallel({ module, config, workers, execArgv, createTask: createTask as never });
      try {
        const r = await dp.valueAndGrad(params, batch);
        results.push(bits(r));
        // The mean equals the single-graph autoencoder's loss on the whole batch up to rounding.
        expect(Number.isFinite(r.value)).toBe(true);
      } finally {
        await dp.close();
      }
    }
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
  }, 60_000);
  it('so the parameters after N Adam steps are identical with 0 and 2 workers', async () => {
    const batch = examples(4);
    const finals: string[] = [];
    for (const workers of [0, 2]) {
      const dp = await node.dataParallel({ module, config, workers, execArgv, createTask: createTask as never });
      try {
        const opt = train.ddspOptimizer({ learningRate: 1e-2 });
        let params = nn.initAutoencoder({ preset: preset as never }, 5);
        let state = opt.init(params);
        for (let step = 0; step < 3; step++) {
          const { grad } = await dp.valueAndGrad(params, batch, 2);
          const [u, next] = opt.update(grad, state, params);
          params = train.applyUpdates(params, u);
          state = next;
        }
        finals.push(bits(params));
      } finally {
        await dp.close();
      }
    }
    expect(finals[1]).toBe(finals[0]);
  }, 60_000);
});
