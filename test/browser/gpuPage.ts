/// <reference lib="dom" />
/**
 * ddsp/gpu in a browser page (bundled by test/browser/browser.test.ts): the backend the page gets
 * (WebGPU if Chromium gives an adapter, else WebGL), and a few kernels against the CPU reference.
 * Publishes window.__gpu = { describe, mode, errors… } or { error }.
 */
import { gpuBackend } from '../../src/gpu/index.ts';
import { frames } from '../../src/core/frames.ts';
import { harmonicSynth, harmonicSynthVjp } from '../../src/synths/harmonic.ts';
import { makeSpectralLoss } from '../../src/losses/spectralLoss.ts';
import { gru } from '../../src/nn/gru.ts';
import ndarray from 'ndarray';
import { maxRelDiff, randomStream, relL2 } from '../compare.ts';

async function main(): Promise<Record<string, unknown>> {
  const gpu = await gpuBackend({ quiet: true });
  const F = 40;
  const K = 20;
  const N = F * 64;
  const amp = Float64Array.from({ length: F }, (_, j) => 0.3 + 0.1 * Math.sin(j / 5));
  const dist = frames(Float64Array.from({ length: F * K }, (_, i) => 1 / ((i % K) + 1) / 3.6), F, K);
  const f0 = Float64Array.from({ length: F }, (_, j) => 200 + 150 * (j / F));
  const opts = { nSamples: N, sampleRate: 16000 };
  const y = await gpu.harmonicSynth(amp, dist, f0, opts);
  const ref = harmonicSynth(amp, dist, f0, opts).audio;
  const gy = randomStream(3)(N);
  const gv = await gpu.harmonicSynthVjp(gy, amp, dist, f0, opts);
  const cv = harmonicSynthVjp(gy, amp, dist, f0, opts);
  const r = randomStream(5);
  const target = r(N);
  // The synth's tones over a −50 dB noise floor, as recordings have: the L1 terms' gradient takes
  // every bin's phase X/|X|, and a float32 spectrum resolves a bin's phase only well above ~1e-7
  // of its frame's peak (clean tones leave most bins below that).
  const floor = r(N, 0.006);
  const value = ref.map((v, i) => v + floor[i]);
  const L = await gpu.makeSpectralLoss(target, { fftSizes: [512, 128] });
  const lg = await L.valueAndGrad(value);
  const lc = makeSpectralLoss(target, { fftSizes: [512, 128] }).valueAndGrad(value);
  const x = ndarray(r(2 * 10 * 4), [2, 10, 4]);
  const w = { kernel: frames(r(4 * 24, 0.5), 4, 24), recurrentKernel: frames(r(8 * 24, 0.5), 8, 24), bias: frames(r(48, 0.2), 2, 24) };
  const gg = await gpu.gru(x, w);
  const ir = r(300, 0.1);
  const rv = await gpu.reverb(ref, ir);
  const { reverb } = await import('../../src/effects/reverb.ts');
  const rvv = await gpu.reverbVjp(gy, ref, ir);
  const { reverbVjp } = await import('../../src/effects/reverb.ts');
  const rvc = reverbVjp(gy, ref, ir);
  return {
    describe: gpu.describe,
    mode: gpu.mode,
    synth: maxRelDiff(y, ref),
    synthVjpAmp: maxRelDiff(gv.amplitude, cv.amplitude as Float64Array),
    lossValue: Math.abs(lg.value - lc.value) / lc.value,
    lossGrad: relL2(lg.grad, lc.grad),
    gru: relL2(gg.sequence.data, gru(x, w).sequence.data),
    reverb: maxRelDiff(rv, reverb(ref, ir)),
    reverbVjpAudio: maxRelDiff(rvv.audio, rvc.audio),
    reverbVjpIr: maxRelDiff(rvv.ir, rvc.ir),
  };
}

main().then(
  (r) => ((window as unknown as { __gpu: unknown }).__gpu = r),
  (e: Error) => ((window as unknown as { __gpu: unknown }).__gpu = { error: `${e.message}\n${e.stack}` }),
);
