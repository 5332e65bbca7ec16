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
    expect(['webgpu', 'webgl', 'webgl2', 'cpu']).toContain(gpu.mode);
    console.log(gpu.describe);
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
    await expect(gpu.matmul(new Float64Array(3), new Float64Array(2), 2, 2, 1)).rejects.toThrow('gpu.matmul: a must be a Float64Array or Float32Array of m·k = 4 values');
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
