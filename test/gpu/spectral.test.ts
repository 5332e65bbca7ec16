/**
 * ddsp/gpu's spectra against the CPU reference: magnitudeSpectrogram (four-step DFT, two kernels)
 * and the multi-scale spectral loss with its gradient (adjoint transform and overlap-add on the
 * device). Under Deno in CI the kernels run on gpu.js's WebGPU backend over lavapipe; elsewhere on
 * gpu.js's CPU mode. Float32 bounds: spectra carry float32 sums of up to 2048 windowed samples;
 * the log-magnitude term's gradient is 1/|X| times that error where |X| is small, so it is
 * compared as a relative L2 norm.
 */
import { describe, expect, it } from 'vitest';
import { gpuBackend } from '../../src/gpu/index.ts';
import { magnitudeSpectrogram } from '../../src/spectral/stft.ts';
import { makeSpectralLoss, type SpectralLossOptions } from '../../src/losses/spectralLoss.ts';
import { maxRelDiff, relL2 } from '../helpers.ts';

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const N = 8000;
const r1 = lcg(1);
const x = Float64Array.from({ length: N }, (_, i) => 0.5 * Math.sin(i * 0.05) + 0.1 * r1());
const r2 = lcg(2);
const target = Float64Array.from({ length: N }, (_, i) => 0.4 * Math.sin(i * 0.051) + 0.1 * r2());

describe('ddsp/gpu magnitudeSpectrogram', () => {
  it('equals the CPU STFT magnitudes for each framing, window and FFT size', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const cases = [{ frameSize: 2048 }, { frameSize: 512 }, { frameSize: 300, center: true }, { frameSize: 64, padEnd: false, overlap: 0.5 }, { frameSize: 100, fftSize: 256, window: 'hann-symmetric' as const, hop: 37 }];
    for (const o of cases) {
      const ref = magnitudeSpectrogram(x, o);
      const got = await gpu.magnitudeSpectrogram(x, o);
      expect(got.shape).toEqual(ref.shape);
      // The largest magnitude is ~0.5·frameSize/2; float32 sums of frameSize terms.
      expect(maxRelDiff(got.data, ref.data)).toBeLessThan(2e-6);
    }
  }, 120_000);
  it('takes a GpuArray and names bad input', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const dx = gpu.upload(x);
    const ref = magnitudeSpectrogram(x, { frameSize: 256 });
    expect(maxRelDiff((await gpu.magnitudeSpectrogram(dx, { frameSize: 256 })).data, ref.data)).toBeLessThan(2e-6);
    expect(Array.from(await dx.read())).toEqual(Array.from(Float32Array.from(x)));
    dx.free();
    await expect(gpu.magnitudeSpectrogram(dx)).rejects.toThrow('gpu.magnitudeSpectrogram: audio is a GpuArray that has been freed');
    await expect(gpu.magnitudeSpectrogram(x, { frameSize: 256, nope: 1 } as never)).rejects.toThrow('gpu.magnitudeSpectrogram');
    await expect(gpu.magnitudeSpectrogram([1, 2] as never)).rejects.toThrow('gpu.magnitudeSpectrogram: audio must be a Float64Array, Float32Array or GpuArray (got Array)');
  }, 60_000);
});

describe('ddsp/gpu makeSpectralLoss', () => {
  const cases: [SpectralLossOptions, number][] = [
    // DDSP's loss (six scales, magnitude + log magnitude, end padding).
    [{ fftSizes: [2048, 1024, 512, 256, 128, 64], magWeight: 1, logmagWeight: 1 }, 5e-3],
    // W1's form (log(S + eps), valid frames), L2.
    [{ fftSizes: [512, 64], logmagWeight: 1, logForm: 'offset', framing: 'valid', lossType: 'L2' }, 5e-3],
    // Magnitude only: no 1/|X| amplification.
    [{ fftSizes: [256, 128], framing: 'center' }, 1e-5],
  ];
  it('gives the CPU loss and gradient, for the DDSP and W1 forms, L1 and L2', async () => {
    const gpu = await gpuBackend({ quiet: true });
    for (const [o, gradTol] of cases) {
      const cpu = makeSpectralLoss(target, o).valueAndGrad(x);
      const L = await gpu.makeSpectralLoss(target, o);
      const got = await L.valueAndGrad(x);
      expect(Math.abs(got.value - cpu.value) / cpu.value).toBeLessThan(1e-5);
      expect(relL2(got.grad, cpu.grad)).toBeLessThan(gradTol);
      expect(Math.abs((await L.loss(x)) - got.value)).toBeLessThan(1e-9 * got.value);
      // The gradient left on the device is the same gradient.
      const d = await L.valueAndGradOnDevice(x);
      expect(Array.from(await d.grad.read())).toEqual(Array.from(Float32Array.from(got.grad)));
      d.grad.free();
      L.free();
      await expect(L.loss(x)).rejects.toThrow('gpu.makeSpectralLoss: this loss has been freed');
    }
  }, 120_000);
  it('is zero at the target (to float32 rounding: gpu.js CPU mode computes in float64 between stores)', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const L = await gpu.makeSpectralLoss(target, { fftSizes: [256, 64], logmagWeight: 1 });
    expect(await L.loss(target)).toBeLessThan(1e-6);
    expect(await L.loss(x)).toBeGreaterThan(0.1);
    L.free();
  }, 60_000);
  it('names what does not run on the GPU and bad input', async () => {
    const gpu = await gpuBackend({ quiet: true });
    await expect(gpu.makeSpectralLoss(target, { logMelWeight: 1 })).rejects.toThrow('gpu.makeSpectralLoss: opts.logMelWeight is not on the GPU yet');
    await expect(gpu.makeSpectralLoss(target, { fftSizes: [300] })).rejects.toThrow('gpu.makeSpectralLoss: opts.fftSizes[0] must be a power of two');
    await expect(gpu.makeSpectralLoss(target, { magWeight: -1 })).rejects.toThrow('gpu.makeSpectralLoss: opts.magWeight must be in [0, 1e12]');
    const L = await gpu.makeSpectralLoss(target, { fftSizes: [64] });
    await expect(L.loss(x.subarray(1))).rejects.toThrow(`gpu.makeSpectralLoss: value must have ${N} values (got ${N - 1})`);
    L.free();
  }, 60_000);
});
