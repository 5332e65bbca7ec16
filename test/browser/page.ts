/// <reference lib="dom" />
/**
 * The browser page of test/browser/browser.test.ts (bundled by esbuild, run in headless Chromium):
 * renders a note, computes a gradient and checks it, plays the AudioWorklet instrument through an
 * OfflineAudioContext for 1 s and compares it with the one-shot render, draws a spectrogram.
 * The results go to window.__ddsp for the test to read.
 */
import ndarray from 'ndarray';
import { checkVjp, core, effects, frames, io, named, nn, synths } from '../../src/index.ts';

const SR = 16000;
const HOP = 64;
const K = 20;
const B = 65;
const SECONDS = 1;
const F = (SECONDS * SR) / HOP + 1; // frames for SECONDS of intervals
const NAME = 'ddsp-harmonic-noise';

function controls() {
  const A = Float64Array.from({ length: F }, (_, j) => 0.3 + 0.1 * Math.sin(j / 20));
  const f0 = Float64Array.from({ length: F }, (_, j) => 330 * (1 + 0.01 * Math.sin((2 * Math.PI * 5 * j * HOP) / SR)));
  const D = new Float64Array(F * K);
  for (let j = 0; j < F; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += D[j * K + k] = 1 / (k + 1) ** 1.2;
    for (let k = 0; k < K; k++) D[j * K + k] /= s;
  }
  const N = Float64Array.from({ length: F * B }, (_, i) => 0.004 * Math.exp(-(i % B) / 16));
  return { A, f0, D, N };
}

async function run() {
  const out: Record<string, unknown> = { userAgent: navigator.userAgent };
  const c = controls();
  const nSamples = (F - 1) * HOP;
  // 1. A note, one shot.
  const harm = synths.harmonicSynth(c.A, frames(c.D, F, K), c.f0, { nSamples, sampleRate: SR, addEndpoint: false }).audio;
  const noise = synths.filteredNoise(frames(c.N.slice(0, (F - 1) * B), F - 1, B), { nSamples, windowSize: 0, delayCompensation: 0, seed: 3 });
  // With DDSP's reverb: a 0.25-s decaying IR.
  const ir = Float64Array.from({ length: 4000 }, (_, i) => 0.3 * Math.exp(-i / 800) * Math.sin(i * 2.1));
  const oneShot = effects.reverb(harm.map((v, i) => v + noise[i]), ir);
  out.peak = oneShot.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  // 2. A gradient, checked against finite differences (the harmonic synth's VJP w.r.t. amplitude).
  const small = { nSamples: 320, sampleRate: SR };
  const dist = frames(new Float64Array(5 * 3).fill(1 / 3), 5, 3);
  const f0s = new Float64Array(5).fill(440);
  const rep = checkVjp(
    (a: Float64Array) => synths.harmonicSynth(a, dist, f0s, small).audio,
    (g: Float64Array, a: Float64Array) => synths.harmonicSynthVjp(g, a, dist, f0s, small).amplitude,
    Float64Array.of(0.1, 0.2, 0.3, 0.2, 0.1),
  );
  out.gradientOk = rep.ok;
  // 3. The worklet instrument through an OfflineAudioContext.
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: nSamples, sampleRate: SR });
  await ctx.audioWorklet.addModule('./worklet.js');
  const node = new AudioWorkletNode(ctx, NAME, {
    numberOfInputs: 0,
    outputChannelCount: [1],
    processorOptions: { hop: HOP, nHarmonics: K, nBands: B, seed: 3, ampResample: 'window', reverbIr: ir, frames: { amplitude: c.A, distribution: c.D, f0Hz: c.f0, noise: c.N } },
  });
  node.connect(ctx.destination);
  const t0 = performance.now();
  const rendered = await ctx.startRendering();
  const ms = performance.now() - t0;
  const fromWorklet = io.fromAudioBuffer(rendered).channels[0];
  let err = 0;
  for (let i = 0; i < nSamples; i++) err = Math.max(err, Math.abs(fromWorklet[i] - oneShot[i]));
  out.workletMaxError = err;
  out.workletSamples = fromWorklet.length;
  out.offlineRenderMs = ms;
  out.realTimeFactor = (SECONDS * 1000) / ms;
  // 4. A decoder (DDSP's RnnFcDecoder, the `small` preset, seeded weights) inside the worklet, fed
  // f0 and loudness, against the whole-sequence decoder and one-shot synths.
  const preset = nn.presets.small;
  const params = nn.initAutoencoder({ preset }, 4) as { decoder: unknown };
  const f0d = Float64Array.from({ length: F }, (_, j) => 262 * (1 + 0.01 * Math.sin(j / 8)));
  const ldd = Float64Array.from({ length: F }, (_, j) => -35 + 15 * Math.sin(j / 40));
  const x = nn.preprocess(ndarray(f0d, [1, F, 1]), ndarray(ldd, [1, F, 1]));
  const dec = named('decoder', nn.rnnFcDecoder(preset.decoder)).forward(x, params as never) as Record<string, { data: Float64Array }>;
  const Kd = 60;
  const Bd = 65;
  const ampD = core.expSigmoid(dec.amps.data);
  const distD = synths.normalizeHarmonics(frames(core.expSigmoid(dec.harmonic_distribution.data), F, Kd), f0d, { sampleRate: SR });
  const noiseD = core.expSigmoid(dec.noise_magnitudes.data.map((v) => v - 5));
  const harmD = synths.harmonicSynth(ampD, distD, f0d, { nSamples, sampleRate: SR, addEndpoint: false }).audio;
  const noiseAudioD = synths.filteredNoise(frames(noiseD.slice(0, (F - 1) * Bd), F - 1, Bd), { nSamples, windowSize: 0, delayCompensation: 0, seed: 0 });
  const refD = harmD.map((v, i) => v + noiseAudioD[i]);
  const ctx2 = new OfflineAudioContext({ numberOfChannels: 1, length: nSamples, sampleRate: SR });
  await ctx2.audioWorklet.addModule('./worklet.js');
  new AudioWorkletNode(ctx2, NAME, {
    numberOfInputs: 0,
    outputChannelCount: [1],
    processorOptions: { decoder: { preset, params }, features: { f0Hz: f0d, loudnessDb: ldd } },
  }).connect(ctx2.destination);
  const t1 = performance.now();
  const decoded = io.fromAudioBuffer(await ctx2.startRendering()).channels[0];
  const ms2 = performance.now() - t1;
  let err2 = 0;
  for (let i = 0; i < nSamples; i++) err2 = Math.max(err2, Math.abs(decoded[i] - refD[i]));
  out.decoderPeak = refD.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  out.decoderMaxError = err2;
  out.decoderRenderMs = ms2;
  out.decoderRealTimeFactor = (SECONDS * 1000) / ms2;
  // 5. A spectrogram in the page.
  const svg = await io.spectrogramFigure([{ title: 'one-shot', audio: oneShot }, { title: 'AudioWorklet', audio: fromWorklet }], { sampleRate: SR, title: 'ddsp in the browser' });
  const div = document.createElement('div');
  div.innerHTML = svg;
  document.body.appendChild(div);
  out.svgInDom = document.querySelector('svg') !== null && svg.includes('frequency (Hz)');
  return out;
}

run().then(
  (r) => Object.assign(window, { __ddsp: r }),
  (e: Error) => Object.assign(window, { __ddsp: { error: `${e.message}\n${e.stack}` } }),
);
