/**
 * ddsp/gpu's fused training-step output stage (makeHarmonicNoiseLoss) against the CPU composition
 * of the same ops: harmonicSynth + frequencyFilter → makeSpectralLoss → frequencyFilterVjp and
 * harmonicSynthVjp, for a batch of two examples with W1's loss form.
 */
import { describe, expect, it } from 'vitest';
import { frames } from '../../src/core/frames.ts';
import { gpuBackend } from '../../src/gpu/index.ts';
import { makeSpectralLoss, type SpectralLossOptions } from '../../src/losses/spectralLoss.ts';
import { frequencyFilter, frequencyFilterVjp } from '../../src/spectral/frequencyFilter.ts';
import { harmonicSynth, harmonicSynthVjp } from '../../src/synths/harmonic.ts';
import { relL2 } from '../helpers.ts';

const F = 50;
const K = 30;
const NB = 33;
const N = F * 64;
const synth = { nSamples: N, sampleRate: 16000, ampResample: 'linear' as const };
const filter = { delayCompensation: 30 };

function example(b: number) {
  let s = 17 + b;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const f0Hz = Float64Array.from({ length: F }, (_, j) => 220 + 60 * b + 40 * Math.sin(j / 9));
  const amplitude = Float64Array.from({ length: F }, (_, j) => 0.3 + 0.1 * Math.sin(j / 6 + b));
  const distribution = frames(Float64Array.from({ length: F * K }, (_, i) => (1 + 0.5 * Math.sin(i * 0.3 + b)) / ((i % K) + 1) / 4), F, K);
  const noiseMagnitudes = frames(Float64Array.from({ length: F * NB }, (_, i) => 0.01 + 0.02 * Math.exp(-(i % NB) / 10) * (1 + 0.5 * Math.sin(i / 13))), F, NB);
  const noise = Float64Array.from({ length: N }, () => 2 * rnd() - 1);
  const target = Float64Array.from({ length: N }, (_, i) => 0.3 * Math.sin(i * 0.09 + b) + 0.05 * (rnd() - 0.5));
  return { ex: { f0Hz, amplitude, distribution, noiseMagnitudes, noise }, target };
}

describe('ddsp/gpu makeHarmonicNoiseLoss', () => {
  const cases: [SpectralLossOptions, number][] = [
    // W1's form: log(S + eps), valid frames.
    [{ fftSizes: [1024, 256, 64], magWeight: 1, logmagWeight: 1, logForm: 'offset', framing: 'valid' }, 2e-3],
    // Magnitude only, DDSP's end padding.
    [{ fftSizes: [512, 128] }, 2e-4],
  ];
  it('equals the CPU composition: losses and every gradient, per example of a batch', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const data = [example(0), example(1)];
    const exs = data.map((d) => d.ex);
    for (const [loss, tol] of cases) {
      const step = await gpu.makeHarmonicNoiseLoss(data.map((d) => d.target), { synth, filter, loss });
      const got = await step.valueAndGrad(exs);
      expect((await step.loss(exs)).map((v, b) => Math.abs(v - got.values[b]))).toEqual([0, 0]);
      data.forEach(({ ex: e, target }, b) => {
        const audio = harmonicSynth(e.amplitude, e.distribution, e.f0Hz, synth).audio;
        const filtered = frequencyFilter(e.noise, e.noiseMagnitudes, filter);
        for (let i = 0; i < N; i++) audio[i] += filtered[i];
        const ref = makeSpectralLoss(target, loss).valueAndGrad(audio);
        expect(Math.abs(got.values[b] - ref.value) / ref.value).toBeLessThan(1e-5);
        const hs = harmonicSynthVjp(ref.grad, e.amplitude, e.distribution, e.f0Hz, synth);
        const fv = frequencyFilterVjp(ref.grad, e.noise, e.noiseMagnitudes, filter);
        const g = got.grads[b];
        expect(relL2(g.amplitude, hs.amplitude as Float64Array)).toBeLessThan(tol);
        expect(relL2(g.distribution, hs.distribution.data)).toBeLessThan(tol);
        expect(relL2(g.f0Hz, hs.f0Hz as Float64Array)).toBeLessThan(tol);
        expect(relL2((g.noiseMagnitudes as typeof e.noiseMagnitudes).data, fv.magnitudes.data)).toBeLessThan(tol);
      });
      step.free();
    }
  }, 120_000);
  it('skips the f0 cotangents with wrtF0: false, the other gradients unchanged', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const { ex, target } = example(0);
    const o = { synth, filter, loss: { fftSizes: [256, 64] } };
    const all = await gpu.makeHarmonicNoiseLoss([target], o);
    const some = await gpu.makeHarmonicNoiseLoss([target], { ...o, wrtF0: false });
    const a = (await all.valueAndGrad([ex])).grads[0];
    const b = (await some.valueAndGrad([ex])).grads[0];
    expect(b.f0Hz.every((v) => v === 0)).toBe(true);
    expect(a.f0Hz.some((v) => v !== 0)).toBe(true);
    expect(Array.from(b.amplitude)).toEqual(Array.from(a.amplitude));
    expect(Array.from(b.distribution)).toEqual(Array.from(a.distribution));
    all.free();
    some.free();
  }, 60_000);
  it('names bad input', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const { ex: e, target } = example(0);
    await expect(gpu.makeHarmonicNoiseLoss([target], {} as never)).rejects.toThrow('gpu.makeHarmonicNoiseLoss: opts.synth (harmonicSynth options, with nSamples) is required');
    await expect(gpu.makeHarmonicNoiseLoss([target.subarray(1)], { synth })).rejects.toThrow(`gpu.makeHarmonicNoiseLoss: targets[0] must have ${N} values (got ${N - 1})`);
    const step = await gpu.makeHarmonicNoiseLoss([target], { synth, loss: { fftSizes: [256] } });
    await expect(step.loss([e, e])).rejects.toThrow('gpu.makeHarmonicNoiseLoss: examples must be an array of 1 (one per target)');
    await expect(step.loss([{ ...e, extra: 1 } as never])).rejects.toThrow('gpu.makeHarmonicNoiseLoss');
    step.free();
  }, 60_000);
});
