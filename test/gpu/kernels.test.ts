/**
 * ddsp/gpu's kernels against the CPU reference (harmonicSynth, frequencyFilter, GEMM; float64). On Deno the
 * kernel runs on gpu.js's WebGPU backend when navigator.gpu gives an adapter (in CI: Mesa's software
 * Vulkan, lavapipe — correctness, not speed); elsewhere on gpu.js's CPU mode, which runs the same
 * kernel code. The bounds are float32's (the synth takes sin((k+1)·φ) of a float32 phase).
 */
import { describe, expect, it } from 'vitest';
import { frames } from '../../src/core/frames.ts';
import { gpuBackend } from '../../src/gpu/index.ts';
import { harmonicSynth } from '../../src/synths/harmonic.ts';
import { maxRelDiff } from '../helpers.ts';

describe('ddsp/gpu harmonicSynth', () => {
  it('equals the CPU synth to float32 accuracy, for both amplitude upsamplings', async () => {
    const gpu = await gpuBackend({ quiet: true });
    expect(['webgpu', 'webgl', 'webgl2', 'headlessgl', 'cpu']).toContain(gpu.mode);
    console.log(gpu.describe);
    // The test command sets this where a GPU API must have run (CI: Deno on lavapipe, Node on headless-gl).
    const expected = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.DDSP_EXPECT_GPU_MODE;
    if (expected) expect(gpu.mode).toBe(expected);
    const F = 50;
    const K = 40;
    const sr = 16000;
    const f0 = Float64Array.from({ length: F }, (_, j) => 150 + 300 * (j / (F - 1)) + 5 * Math.sin(j / 3));
    const amp = Float64Array.from({ length: F }, (_, j) => 0.3 + 0.1 * Math.sin(j / 5));
    const D = new Float64Array(F * K);
    for (let j = 0; j < F; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += D[j * K + k] = 1 / (k + 1);
      for (let k = 0; k < K; k++) D[j * K + k] /= s;
    }
    for (const ampResample of ['window', 'linear'] as const) {
      const opts = { nSamples: F * 64, sampleRate: sr, ampResample };
      const ref = harmonicSynth(amp, frames(D, F, K), f0, opts).audio;
      const y = await gpu.harmonicSynth(amp, frames(D, F, K), f0, opts);
      expect(y.length).toBe(ref.length);
      let err = 0;
      for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(y[i] - ref[i]));
      // Harmonics up to 40·450 Hz cross Nyquist (8 kHz) during the glide: the mask is exercised.
      expect(err).toBeLessThan(1e-4);
    }
  }, 60_000);
  it('names what is missing or wrong', async () => {
    await expect(gpuBackend({ mode: 'nope' as never, quiet: true })).rejects.toThrow("gpuBackend: opts.mode must be one of 'auto', 'webgpu', 'webgl', 'cpu'");
    const gpu = await gpuBackend({ mode: 'cpu', quiet: true });
    await expect(gpu.harmonicSynth(Float64Array.of(1), frames(Float64Array.of(1, 1), 2, 1), Float64Array.of(440), { nSamples: 64 })).rejects.toThrow('gpu.harmonicSynth: amplitude [F], distribution [F, K] and f0Hz [F] must have the same frames');
  });
});

describe('ddsp/gpu frequencyFilter', () => {
  it('equals the CPU filter (DDSP frequency_filter, same padding) to float32 accuracy', async () => {
    const { frequencyFilter } = await import('../../src/spectral/frequencyFilter.ts');
    const { uniformNoise } = await import('../../src/synths/noise.ts');
    const gpu = await gpuBackend({ quiet: true });
    for (const [F, B, windowSize, delayCompensation] of [[40, 65, 0, undefined], [25, 33, 21, undefined], [40, 65, 0, 62]] as const) {
      const N = F * 64;
      const x = uniformNoise(N, 9).noise;
      const mags = frames(Float64Array.from({ length: F * B }, (_, i) => 0.1 + 0.05 * Math.sin(i / 7)), F, B);
      const o = delayCompensation === undefined ? { windowSize } : { windowSize, delayCompensation };
      const ref = frequencyFilter(x, mags, o);
      const y = await gpu.frequencyFilter(x, mags, o);
      let err = 0;
      let peak = 0;
      for (let i = 0; i < N; i++) {
        err = Math.max(err, Math.abs(y[i] - ref[i]));
        peak = Math.max(peak, Math.abs(ref[i]));
      }
      expect(peak).toBeGreaterThan(0.05);
      expect(err).toBeLessThan(1e-5);
    }
    await expect(gpu.frequencyFilter(new Float64Array(64), frames(new Float64Array(2), 1, 2), { padding: 'valid' })).rejects.toThrow("gpu.frequencyFilter: only opts.padding 'same' runs on the GPU so far");
  }, 60_000);
});

describe('ddsp/gpu matmul', () => {
  it('equals the CPU GEMM to float32 accuracy, for square and ragged shapes', async () => {
    const { gemm } = await import('../../src/backends/cpu/gemm.ts');
    const gpu = await gpuBackend({ quiet: true });
    for (const [m, k, n] of [[1, 1, 1], [7, 13, 5], [64, 96, 33]] as const) {
      const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.7));
      const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.3));
      const ref = new Float64Array(m * n);
      gemm('N', 'N', m, n, k, a, 0, k, b, 0, n, 0, ref, 0, n);
      const c = await gpu.matmul(a, b, m, k, n);
      let err = 0;
      for (let i = 0; i < m * n; i++) err = Math.max(err, Math.abs(c[i] - ref[i]));
      expect(err).toBeLessThan(1e-5 * k);
    }
    await expect(gpu.matmul(new Float64Array(3), new Float64Array(2), 2, 2, 1)).rejects.toThrow('gpu.matmul: a must have 4 values (got 3)');
  }, 60_000);
});

describe('ddsp/gpu harmonicSynthVjp', () => {
  it('equals the CPU VJP: amplitude, distribution, f0 and initial-phase cotangents', async () => {
    const { harmonicSynthVjp } = await import('../../src/synths/harmonic.ts');
    const gpu = await gpuBackend({ quiet: true });
    const F = 30;
    const K = 24;
    const f0 = Float64Array.from({ length: F }, (_, j) => 180 + 400 * (j / (F - 1)));
    const amp = Float64Array.from({ length: F }, (_, j) => 0.4 + 0.1 * Math.cos(j / 4));
    const D = Float64Array.from({ length: F * K }, (_, i) => 1 / ((i % K) + 1) / 3.8);
    for (const [ampResample, addEndpoint] of [['window', true], ['linear', false]] as const) {
      const nSamples = (addEndpoint ? F : F - 1) * 64;
      const opts = { nSamples, sampleRate: 16000, ampResample, addEndpoint };
      const gy = Float64Array.from({ length: nSamples }, (_, i) => Math.sin(i * 0.01) * 1e-2);
      const ref = harmonicSynthVjp(gy, amp, frames(D, F, K), f0, opts);
      const got = await gpu.harmonicSynthVjp(gy, amp, frames(D, F, K), f0, opts);
      expect(maxRelDiff(got.amplitude, ref.amplitude as Float64Array)).toBeLessThan(1e-4);
      expect(maxRelDiff(got.distribution, ref.distribution.data)).toBeLessThan(1e-4);
      expect(maxRelDiff(got.f0Hz, ref.f0Hz as Float64Array)).toBeLessThan(1e-4);
      expect(Math.abs(got.initialPhase - ref.initialPhase) / Math.abs(ref.initialPhase)).toBeLessThan(1e-4);
    }
  }, 60_000);
});

describe('ddsp/gpu frequencyFilterVjp', () => {
  it('equals the CPU VJP for audio and magnitudes, with each delay and window', async () => {
    const { frequencyFilterVjp } = await import('../../src/spectral/frequencyFilter.ts');
    const gpu = await gpuBackend({ quiet: true });
    const F = 40;
    const B = 65;
    const N = F * 64;
    const x = Float64Array.from({ length: N }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.011));
    const gy = Float64Array.from({ length: N }, (_, i) => Math.cos(i * 0.21));
    const mags = frames(Float64Array.from({ length: F * B }, (_, i) => 0.1 + 0.05 * Math.sin(i / 7)), F, B);
    for (const o of [{}, { delayCompensation: 62 }, { windowSize: 21 }]) {
      const ref = frequencyFilterVjp(gy, x, mags, o);
      const got = await gpu.frequencyFilterVjp(gy, x, mags, o);
      expect(maxRelDiff(got.audio as Float64Array, ref.audio)).toBeLessThan(1e-5);
      expect(maxRelDiff((got.magnitudes as typeof mags).data, ref.magnitudes.data)).toBeLessThan(1e-5);
    }
    const only = await gpu.frequencyFilterVjp(gy, x, mags, { wrt: 'audio' });
    expect(only.magnitudes).toBeUndefined();
    await expect(gpu.frequencyFilterVjp(gy, x, mags, { wrt: 'nope' } as never)).rejects.toThrow("gpu.frequencyFilterVjp: opts.wrt must be one of 'both', 'audio', 'magnitudes'");
    await expect(gpu.frequencyFilterVjp(gy.subarray(1), x, mags)).rejects.toThrow(`gpu.frequencyFilterVjp: gy must have ${N} values (got ${N - 1})`);
  }, 60_000);
});

describe('ddsp/gpu batched harmonic synth', () => {
  it('synthesizes and differentiates a batch in one launch each, equal to the CPU per example', async () => {
    const { harmonicSynthVjp } = await import('../../src/synths/harmonic.ts');
    const gpu = await gpuBackend({ quiet: true });
    const F = 30;
    const K = 20;
    const items = [0, 1, 2].map((b) => ({
      amplitude: Float64Array.from({ length: F }, (_, j) => 0.3 + 0.1 * Math.sin(j / 5 + b)),
      distribution: frames(Float64Array.from({ length: F * K }, (_, i) => 0.05 + 0.01 * Math.sin(i + b)), F, K),
      f0Hz: Float64Array.from({ length: F }, (_, j) => 200 + 150 * b + 3 * Math.sin(j)),
    }));
    const opts = { nSamples: F * 64, sampleRate: 16000 };
    const ys = await gpu.harmonicSynthBatch(items, opts);
    const gys = items.map((_, b) => Float64Array.from({ length: opts.nSamples }, (_, i) => Math.sin(i * 0.013 + b)));
    const gs = await gpu.harmonicSynthBatchVjp(gys, items, opts);
    items.forEach((it, b) => {
      expect(maxRelDiff(ys[b], harmonicSynth(it.amplitude, it.distribution, it.f0Hz, opts).audio)).toBeLessThan(1e-5);
      const ref = harmonicSynthVjp(gys[b], it.amplitude, it.distribution, it.f0Hz, opts);
      expect(maxRelDiff(gs[b].amplitude, ref.amplitude as Float64Array)).toBeLessThan(1e-4);
      expect(maxRelDiff(gs[b].distribution, ref.distribution.data)).toBeLessThan(1e-4);
      expect(maxRelDiff(gs[b].f0Hz, ref.f0Hz as Float64Array)).toBeLessThan(1e-4);
    });
    await expect(gpu.harmonicSynthBatch([items[0], { ...items[1], distribution: frames(new Float64Array(F * 3), F, 3) }], opts)).rejects.toThrow("gpu.harmonicSynthBatch: every example must have the first one's 30 frames and 20 harmonics (example 1 has 30 and 3)");
    await expect(gpu.harmonicSynthBatchVjp(gys.slice(1), items, opts)).rejects.toThrow('gpu.harmonicSynthBatchVjp: gAudio must be an array of 3 cotangents, one per example');
  }, 60_000);
});

describe('ddsp/gpu reverb', () => {
  it('equals effects.reverb and its VJP (DFT products of nextPow2(N + L − 1) points)', async () => {
    const { reverb, reverbVjp } = await import('../../src/effects/reverb.ts');
    const gpu = await gpuBackend({ quiet: true });
    for (const [N, L] of [[3200, 1000], [1000, 3000], [64, 1]] as const) {
      const x = Float64Array.from({ length: N }, (_, i) => Math.sin(i * 0.3) * Math.cos(i * 0.011));
      const gy = Float64Array.from({ length: N }, (_, i) => Math.cos(i * 0.07 + 1));
      const ir = Float64Array.from({ length: L }, (_, i) => 0.05 * Math.exp(-i / 200) * Math.sin(i * 1.7 + 0.3));
      const irCopy = ir.slice();
      expect(maxRelDiff(await gpu.reverb(x, ir), reverb(x, ir))).toBeLessThan(1e-6);
      const got = await gpu.reverbVjp(gy, x, ir);
      const ref = reverbVjp(gy, x, ir);
      expect(maxRelDiff(got.audio, ref.audio)).toBeLessThan(1e-6);
      if (L > 1) expect(maxRelDiff(got.ir, ref.ir)).toBeLessThan(1e-5);
      expect(got.ir[0]).toBe(0);
      expect(ir).toEqual(irCopy);
    }
    await expect(gpu.reverb(new Float64Array(8), new Float64Array(2), { addDry: false })).rejects.toThrow('gpu.reverb: opts.addDry false does not run on the GPU yet');
    await expect(gpu.reverb(new Float64Array(8), Float32Array.of(1) as never)).rejects.toThrow('gpu.reverb: ir must be a Float64Array of at least one tap');
  }, 60_000);
});
