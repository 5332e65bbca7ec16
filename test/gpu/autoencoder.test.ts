/**
 * ddsp/gpu's autoencoder training step against nn.autoencoder's valueAndGrad on the CPU: the
 * batch's loss and every decoder parameter's gradient, for a small model with DDSP's outputs
 * (60 harmonics, 65 noise bands) and DDSP's loss.
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { gpuBackend } from '../../src/gpu/index.ts';
import { autoencoder, initAutoencoder, preprocess } from '../../src/nn/autoencoder.ts';
import type { ModelPreset } from '../../src/nn/decoder.ts';
import { valueAndGrad } from '../../src/graph/valueAndGrad.ts';
import type { Params } from '../../src/core/tree.ts';

function leaves(t: unknown, path = ''): [string, Float64Array][] {
  if (t instanceof Float64Array) return [[path, t]];
  if (typeof t === 'object' && t !== null && 'data' in t && 'shape' in t) return [[path, (t as { data: Float64Array }).data]];
  return Object.entries(t as object).flatMap(([k, v]) => leaves(v, `${path}.${k}`));
}

function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    e += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(e / n);
}

const preset: ModelPreset = {
  decoder: { rnnChannels: 16, ch: 12, layersPerStack: 1, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 60], ['noise_magnitudes', 65]] },
  frameRate: 250, nSamples: 3200, sampleRate: 16000, reverbLength: 0, noiseWindowSize: 0, doc: 'test',
};

describe('ddsp/gpu autoencoder', () => {
  it('gives the CPU training step\'s loss and gradients for a batch of two', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const B = 2;
    const T = 50;
    const f0 = Float64Array.from({ length: B * T }, (_, i) => 220 + 30 * Math.sin(i / 7) + 100 * Math.floor(i / T));
    const ld = Float64Array.from({ length: B * T }, (_, i) => -30 + 10 * Math.cos(i / 5));
    const f0_hz = ndarray(f0, [B, T, 1]);
    const feats = preprocess(f0_hz, ndarray(ld, [B, T, 1]));
    // Tones over a noise floor (−50 dB), as recordings have: bins ~140 dB below a frame's peak are
    // below float32's resolution, and a log-magnitude term on them differs from float64's.
    let s = 9;
    const hiss = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return (s / 2 ** 32 - 0.5) * 0.006;
    };
    const audio = [0, 1].map((b) => Float64Array.from({ length: preset.nSamples }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (220 + 100 * b) * i) / 16000) + 0.1 * Math.sin(i * 0.31) + hiss()));
    const x = { ...feats, f0_hz, audio };
    const params = initAutoencoder({ preset }, 4);
    const ref = valueAndGrad(autoencoder({ preset }))(x as never, params);
    const got = await gpu.autoencoder({ preset }).valueAndGrad(x, params);
    expect(Math.abs(got.value - ref.value) / ref.value).toBeLessThan(1e-5);
    const want = leaves(ref.grad);
    const have = new Map(leaves(got.grad as Params));
    expect([...have.keys()].sort()).toEqual(want.map(([p]) => p).sort());
    // The log-magnitude term's 1/|X| amplifies float32 error in the quietest bins.
    for (const [path, v] of want) expect(relL2(have.get(path) as Float64Array, v), path).toBeLessThan(2e-3);
  }, 120_000);
  it('refuses a reverb and bad input, naming them', async () => {
    const gpu = await gpuBackend({ quiet: true });
    expect(() => gpu.autoencoder({ preset: { ...preset, reverbLength: 100 } })).toThrow('gpu.autoencoder: the trainable reverb does not run on the GPU yet');
    const step = gpu.autoencoder({ preset });
    await expect(step.valueAndGrad({ nope: 1 } as never, {})).rejects.toThrow("gpu.autoencoder.valueAndGrad: unknown option 'nope' in x");
  }, 60_000);
});
