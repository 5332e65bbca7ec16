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
import type { SpectralLossOptions } from '../../src/losses/spectralLoss.ts';
import { leaves, relL2 } from '../helpers.ts';

const preset: ModelPreset = {
  decoder: { rnnChannels: 16, ch: 12, layersPerStack: 1, inputKeys: ['ld_scaled', 'f0_scaled'], outputSplits: [['amps', 1], ['harmonic_distribution', 60], ['noise_magnitudes', 65]] },
  frameRate: 250, nSamples: 3200, sampleRate: 16000, reverbLength: 0, noiseWindowSize: 0, doc: 'test',
};

describe('ddsp/gpu autoencoder', () => {
  // DDSP's loss without a reverb; with one, the magnitude term alone: a log-magnitude term's
  // gradient (1/|X|) is largest in the quietest bins, which for clean synthetic tones (the noise
  // starts ~100 dB down at initialisation) lie below float32's ~−140 dB resolution, and the IR's
  // gradient — a correlation over every lag — inherits that: 1–7% from float64's on these signals,
  // 2e-6 with the magnitude term alone.
  const cases: [number, SpectralLossOptions | undefined, number][] = [[0, undefined, 2e-3], [1000, { fftSizes: [2048, 512, 128], magWeight: 1 }, 1e-4]];
  for (const [reverbLength, loss, tol] of cases) it(`gives the CPU training step's loss and gradients for a batch of two (reverb ${reverbLength} taps)`, async () => {
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
    const p = { ...preset, reverbLength };
    const params = initAutoencoder({ preset: p }, 4);
    // A reverb worth hearing (the initial IR is ~1e-6): a decaying tail.
    if (reverbLength) (params.reverb as { ir: Float64Array }).ir = Float64Array.from({ length: reverbLength }, (_, i) => 0.05 * Math.exp(-i / 200) * Math.sin(i * 1.7));
    const ref = valueAndGrad(autoencoder({ preset: p, loss }))(x as never, params);
    const live = gpu.liveBuffers();
    const got = await gpu.autoencoder({ preset: p, loss }).valueAndGrad(x, params);
    // Every device buffer of the step is released (a leak would grow with every training step).
    expect(gpu.liveBuffers()).toBe(live);
    expect(Math.abs(got.value - ref.value) / ref.value).toBeLessThan(1e-5);
    const want = leaves(ref.grad);
    const have = new Map(leaves(got.grad as Params));
    expect([...have.keys()].sort()).toEqual(want.map(([p]) => p).sort());
    for (const [path, v] of want) expect(relL2(have.get(path) as Float64Array, v), path).toBeLessThan(tol);
  }, 120_000);
  it('names bad input', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const step = gpu.autoencoder({ preset });
    await expect(step.valueAndGrad({ nope: 1 } as never, {})).rejects.toThrow("gpu.autoencoder.valueAndGrad: unknown option 'nope' in x");
    const withReverb = gpu.autoencoder({ preset: { ...preset, reverbLength: 100 } });
    const x = { f0_hz: ndarray(new Float64Array(50), [1, 50, 1]) };
    await expect(withReverb.valueAndGrad(x, { decoder: {} })).rejects.toThrow('gpu.autoencoder.valueAndGrad: params.reverb must be { ir } with 100 taps');
    await expect(withReverb.valueAndGrad(x, { decoder: {}, reverb: { ir: new Float64Array(99) } })).rejects.toThrow('gpu.autoencoder.valueAndGrad: params.reverb.ir must have 100 values (got 99)');
  }, 60_000);
});
