/**
 * ddsp/gpu against our CPU path, in one process on one machine (the CPU side is the library's
 * float64 code on the calling thread). Run under Deno, whose navigator.gpu gives gpu.js its WebGPU
 * backend:
 *
 *   npm run bench:gpu          (= XDG_RUNTIME_DIR=/tmp deno run -A --node-modules-dir=manual bench/gpu.ts)
 *
 * On a CPU-only machine with Mesa's lavapipe (software Vulkan) installed this runs, but lavapipe
 * is not a GPU: its figures check the pipeline, not the speed. The first line says which adapter
 * ran. Cases (medians of alternating runs after a warm-up):
 *   W1 (b)            forward + gradients of issue 14's output stage (bench/w1Case.ts): GPU =
 *                     makeHarmonicNoiseLoss, target spectra recomputed per call as W1 defines;
 *                     CPU = the fused path (w1Case.fusedGrad).
 *   W1 ×B             B W1 examples in one GPU step (one launch per kernel for the batch) against
 *                     B CPU calls; BENCH_GPU_BATCH (default 4; 16 on a GPU).
 *   decoder step      an autoencoder training step (decoder, synthesis, loss, backward) with a
 *                     preset: BENCH_GPU_PRESET (default 'small', batch 1; on a GPU:
 *                     'soloInstrument' and BENCH_GPU_AE_BATCH=16), GPU = gpu.autoencoder, CPU =
 *                     valueAndGrad(nn.autoencoder); BENCH_GPU_CPU_BATCH = b times the CPU on the
 *                     first b examples and scales by B/b (labelled).
 * Every case also prints how far the GPU's results are from the CPU's (relative L2 of the
 * gradients, relative difference of the loss); a first table gives each kernel's error against
 * the float64 CPU reference at W1's sizes (and a 48000-tap reverb, a GRU of 128).
 */
import ndarray from 'ndarray';
import { gpuBackend } from '../src/gpu/index.ts';
import * as w1 from './w1Case.ts';
import { leaves, maxRelDiff, relL2 } from '../test/compare.ts';
import { autoencoder, initAutoencoder, preprocess } from '../src/nn/autoencoder.ts';
import { presets } from '../src/nn/decoder.ts';
import { valueAndGrad } from '../src/graph/valueAndGrad.ts';
import type { Params } from '../src/core/tree.ts';
import { frames } from '../src/core/frames.ts';
import { harmonicSynthVjp } from '../src/synths/harmonic.ts';
import { frequencyFilterVjp } from '../src/spectral/frequencyFilter.ts';
import { magnitudeSpectrogram } from '../src/spectral/stft.ts';
import { spectralLossValueAndGrad } from '../src/losses/spectralLoss.ts';
import { reverb, reverbVjp } from '../src/effects/reverb.ts';
import { gru, gruVjp } from '../src/nn/gru.ts';

const env = (k: string) => (globalThis as { Deno?: { env: { get(k: string): string | undefined } } }).Deno?.env.get(k) ?? (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[k];
const MIN_MS = Number(env('BENCH_MS') ?? 2000);

async function timeBoth(gpuRun: () => Promise<unknown>, cpuRun: () => unknown, minRuns = 3): Promise<{ gpu: number; cpu: number }> {
  await gpuRun();
  cpuRun();
  const g: number[] = [];
  const c: number[] = [];
  let spent = 0;
  while (g.length < minRuns || spent < MIN_MS) {
    let t0 = performance.now();
    await gpuRun();
    g.push(performance.now() - t0);
    t0 = performance.now();
    cpuRun();
    c.push(performance.now() - t0);
    spent += g[g.length - 1] + c[c.length - 1];
    if (g.length >= 50) break;
  }
  const med = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { gpu: med(g), cpu: med(c) };
}

const rows: string[] = [];
function row(name: string, gpuMs: number, cpuMs: number, note: string): void {
  const r = `| ${name} | ${gpuMs.toFixed(1)} | ${cpuMs.toFixed(1)} | ${(cpuMs / gpuMs).toFixed(2)}× | ${note} |`;
  rows.push(r);
  console.log(r);
}

const gpu = await gpuBackend({ quiet: true });
console.log(`${gpu.describe}\n`);
// ---- accuracy of each kernel against the float64 CPU reference, at W1's and DDSP's sizes ----
{
  const x = w1.w1Inputs();
  const SYN = { nSamples: w1.T, sampleRate: w1.SR, ampResample: 'linear' as const };
  const FIL = { windowSize: 0, delayCompensation: 62 };
  const e = (v: number) => v.toExponential(1);
  const acc: [string, string][] = [];
  const audio = new Float64Array(w1.T);
  const h = w1.synthOnly(x);
  const nz = w1.noiseOnly(x);
  for (let i = 0; i < w1.T; i++) audio[i] = h[i] + nz[i];
  acc.push(['harmonicSynth (64000 × 100)', `max error ${e(maxRelDiff(await gpu.harmonicSynth(x.amp, x.hd, x.f0, SYN), h))} of the peak`]);
  const gy = Float64Array.from({ length: w1.T }, (_, i) => Math.sin(i * 0.37) * 1e-3);
  const hv = await gpu.harmonicSynthVjp(gy, x.amp, x.hd, x.f0, SYN);
  const hc = harmonicSynthVjp(gy, x.amp, x.hd, x.f0, SYN);
  acc.push(['harmonicSynthVjp', `amplitude ${e(maxRelDiff(hv.amplitude, hc.amplitude as Float64Array))}, distribution ${e(maxRelDiff(hv.distribution, hc.distribution.data))}, f0 ${e(maxRelDiff(hv.f0Hz, hc.f0Hz as Float64Array))} of the largest`]);
  acc.push(['frequencyFilter (1000 × 128 taps)', `max error ${e(maxRelDiff(await gpu.frequencyFilter(x.noise, x.nm, FIL), nz))} of the peak`]);
  const fv = await gpu.frequencyFilterVjp(gy, x.noise, x.nm, FIL);
  const fc = frequencyFilterVjp(gy, x.noise, x.nm, FIL);
  acc.push(['frequencyFilterVjp', `audio ${e(maxRelDiff(fv.audio as Float64Array, fc.audio))}, magnitudes ${e(maxRelDiff((fv.magnitudes as { data: Float64Array }).data, fc.magnitudes.data))} of the largest`]);
  for (const n of [2048, 64]) acc.push([`magnitudeSpectrogram (${n})`, `max error ${e(maxRelDiff((await gpu.magnitudeSpectrogram(audio, { frameSize: n })).data, magnitudeSpectrogram(audio, { frameSize: n }).data))} of the peak`]);
  const L = await gpu.makeSpectralLoss(x.target, w1.LOSS);
  const lg = await L.valueAndGrad(audio);
  L.free();
  const lc = spectralLossValueAndGrad(x.target, audio, w1.LOSS);
  const L1 = await gpu.makeSpectralLoss(x.target, { ...w1.LOSS, logmagWeight: 0 });
  const lg1 = await L1.valueAndGrad(audio);
  L1.free();
  const lc1 = spectralLossValueAndGrad(x.target, audio, { ...w1.LOSS, logmagWeight: 0 });
  acc.push(["spectral loss, W1's six scales", `value ${e(Math.abs(lg.value - lc.value) / lc.value)}; gradient relative L2 ${e(relL2(lg.grad, lc.grad))} (magnitude term alone ${e(relL2(lg1.grad, lc1.grad))})`]);
  const ir = Float64Array.from({ length: 48000 }, (_, i) => 0.01 * Math.exp(-i / 8000) * Math.sin(i * 1.3));
  const rv = await gpu.reverbVjp(gy, audio, ir);
  const rc = reverbVjp(gy, audio, ir);
  acc.push(['reverb (64000 samples, 48000 taps)', `output ${e(maxRelDiff(await gpu.reverb(audio, ir), reverb(audio, ir)))} of the peak; VJP audio ${e(maxRelDiff(rv.audio, rc.audio))}, IR ${e(maxRelDiff(rv.ir, rc.ir))} of the largest`]);
  const arr = (n: number, sc: number, seed: number) => {
    let q = seed;
    return Float64Array.from({ length: n }, () => {
      q = (Math.imul(q, 1664525) + 1013904223) >>> 0;
      return sc * (q / 2 ** 32 - 0.5);
    });
  };
  const [B, T, I, u] = [2, 100, 256, 128];
  const gx = ndarray(arr(B * T * I, 1, 1), [B, T, I]);
  const gw = { kernel: frames(arr(I * 3 * u, 0.2, 2), I, 3 * u), recurrentKernel: frames(arr(u * 3 * u, 0.2, 3), u, 3 * u), bias: frames(arr(6 * u, 0.1, 4), 2, 3 * u) };
  const gs = ndarray(arr(B * T * u, 1, 5), [B, T, u]);
  const go = await gpu.gru(gx, gw);
  const gv = await gpu.gruVjp({ sequence: gs }, gx, gw);
  const cv = gruVjp({ sequence: gs }, gx, gw);
  acc.push([`gru / gruVjp (B ${B}, T ${T}, in ${I}, u ${u})`, `sequence ${e(relL2(go.sequence.data, gru(gx, gw).sequence.data))}; VJP x ${e(relL2(gv.x.data, cv.x.data))}, W ${e(relL2(gv.weights.kernel.data, cv.weights.kernel.data))}, U ${e(relL2(gv.weights.recurrentKernel.data, cv.weights.recurrentKernel.data))} (relative L2)`]);
  console.log('| kernel (float32 on the device) | against the float64 CPU reference |');
  console.log('|---|---|');
  for (const [k, v] of acc) console.log(`| ${k} | ${v} |`);
  console.log('');
}

console.log('| case | GPU (ms) | our CPU path (ms) | CPU / GPU | GPU vs CPU results |');
console.log('|---|---:|---:|---:|---|');

// ---- W1 (b), one example ----
const x = w1.w1Inputs();
const SYNTH = { nSamples: w1.T, sampleRate: w1.SR, ampResample: 'linear' as const };
const FILTER = { windowSize: 0, delayCompensation: 62 };
const example = { amplitude: x.amp, distribution: x.hd, f0Hz: x.f0, noise: x.noise, noiseMagnitudes: x.nm };
async function gpuW1(B: number) {
  const step = await gpu.makeHarmonicNoiseLoss(Array.from({ length: B }, () => x.target), { synth: SYNTH, filter: FILTER, loss: w1.LOSS });
  const r = await step.valueAndGrad(Array.from({ length: B }, () => example));
  step.free();
  return r;
}
{
  const ref = w1.fusedGrad(x);
  const got = await gpuW1(1);
  const g = got.grads[0];
  const note = `loss ${(Math.abs(got.values[0] - ref.loss) / ref.loss).toExponential(1)}; grads amp ${relL2(g.amplitude, ref.grads.amp).toExponential(1)}, hd ${relL2(g.distribution, ref.grads.hd).toExponential(1)}, f0 ${relL2(g.f0Hz, ref.grads.f0).toExponential(1)}, noise ${relL2((g.noiseMagnitudes as { data: Float64Array }).data, ref.grads.nm).toExponential(1)}`;
  const t = await timeBoth(() => gpuW1(1), () => w1.fusedGrad(x));
  row('W1 (b) forward + gradients', t.gpu, t.cpu, note);
}
{
  const B = Number(env('BENCH_GPU_BATCH') ?? 4);
  const t = await timeBoth(() => gpuW1(B), () => {
    for (let b = 0; b < B; b++) w1.fusedGrad(x);
  }, 2);
  row(`W1 (b) × ${B} examples, one GPU step`, t.gpu, t.cpu, `${(t.gpu / B).toFixed(1)} ms per example on the GPU`);
}

// ---- an autoencoder training step ----
{
  const name = (env('BENCH_GPU_PRESET') ?? 'small') as keyof typeof presets;
  const B = Number(env('BENCH_GPU_AE_BATCH') ?? 1);
  const preset = presets[name];
  const T = (preset.nSamples * preset.frameRate) / preset.sampleRate;
  const f0 = Float64Array.from({ length: B * T }, (_, i) => 220 * 2 ** (((i % T) / T) * 0.5) + 20 * Math.floor(i / T));
  const ld = Float64Array.from({ length: B * T }, (_, i) => -30 + 10 * Math.sin(i / 40));
  const f0_hz = ndarray(f0, [B, T, 1]);
  let s = 7;
  const audio = Array.from({ length: B }, (_, b) => Float64Array.from({ length: preset.nSamples }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 0.3 * Math.sin((2 * Math.PI * (220 + 20 * b) * i) / preset.sampleRate) + 0.003 * (s / 2 ** 32 - 0.5);
  }));
  const input = { ...preprocess(f0_hz, ndarray(ld, [B, T, 1])), f0_hz, audio };
  // BENCH_GPU_CPU_BATCH = b < B: the CPU step (and the agreement check) runs the first b examples
  // and its time is scaled by B/b — a solo_instrument step at batch 16 takes minutes on one core.
  const Bc = Math.min(B, Number(env('BENCH_GPU_CPU_BATCH') ?? B));
  const slice = (t: { data: Float64Array }, c: number) => ndarray(t.data.slice(0, Bc * T * c), [Bc, T, c]);
  const inputC = Bc === B ? input : {
    ...Object.fromEntries(preset.decoder.inputKeys.map((k) => [k, slice((input as unknown as Record<string, { data: Float64Array }>)[k], 1)])),
    f0_hz: slice(f0_hz, 1), audio: audio.slice(0, Bc),
  };
  const params = initAutoencoder({ preset }, 0);
  const cpuStep = valueAndGrad(autoencoder({ preset }));
  const gpuStep = gpu.autoencoder({ preset });
  let t0 = performance.now();
  const ref = cpuStep(inputC as never, params);
  const cpuFirst = performance.now() - t0;
  t0 = performance.now();
  const got = await gpuStep.valueAndGrad(inputC, params);
  const gpuFirst = performance.now() - t0;
  const have = new Map(leaves(got.grad as Params));
  let worst = 0;
  let worstAt = '';
  for (const [path, v] of leaves(ref.grad)) {
    const e = relL2(have.get(path) as Float64Array, v);
    if (e > worst) [worst, worstAt] = [e, path];
  }
  // A CPU step over ~5 s (solo_instrument) is timed once: its first run.
  let t: { gpu: number; cpu: number };
  if (cpuFirst > 5000 || Bc !== B) {
    const g: number[] = [];
    for (let i = 0; i < 3; i++) {
      t0 = performance.now();
      await gpuStep.valueAndGrad(input, params);
      g.push(performance.now() - t0);
    }
    t = { gpu: g.sort((a, b) => a - b)[1], cpu: (cpuFirst * B) / Bc };
  } else t = await timeBoth(() => gpuStep.valueAndGrad(input, params), () => cpuStep(input as never, params), 2);
  const issue = name === 'soloInstrument' && B === 16 ? '; issue 11: PyTorch on 16 CPU threads 1540 ms, PyTorch CUDA 59 ms on the H100' : '';
  const cpuNote = Bc !== B ? ` (CPU: batch ${Bc} × ${B / Bc}, one run)` : cpuFirst > 5000 ? ' (CPU: one run)' : '';
  row(`${name} training step, batch ${B}${cpuNote}`, t.gpu, t.cpu, `loss ${(Math.abs(got.value - ref.value) / ref.value).toExponential(1)}; worst gradient ${worst.toExponential(1)} (${worstAt.slice(1)}, batch ${Bc}); first GPU call ${gpuFirst.toFixed(0)} ms (with compiling the kernels)${issue}`);
}
console.log(`\nCPU / GPU > 1: the GPU is faster. ${gpu.mode === 'webgpu' && /fallback|llvmpipe|lavapipe/i.test(gpu.describe) ? 'This adapter is a software rasteriser (lavapipe), NOT a GPU: these are pipeline checks, not speed figures.' : ''}`);
