/**
 * `npm run demo`: sound matching. Take a target sound — by default one made here by a different
 * method (a band-limited sawtooth with vibrato through a sweeping resonant low-pass filter), or
 * any WAV (`npm run demo -- path/to/file.wav`, first 2 s, mixed to mono, resampled to 16 kHz) —
 * track its f0 (YIN) and loudness, then fit the frame-rate controls of DDSP's
 * harmonic-plus-noise model to it with Adam on the multi-scale spectral loss; f0 starts at the
 * YIN track and is refined through its exact gradient.
 * Writes out/target.wav, out/resynthesis.wav, out/loss.svg and out/spectrograms.png.
 */
import { chain, fanout, param, sum, harmonic, filteredNoise, frames, io, core, spectral, losses, train } from '../index.ts';
import { densify, type Params } from '../core/tree.ts';
import * as node from '../node/index.ts';

const SR = 16000;
const FRAME_RATE = 250;
const SECONDS = 2;
const N = SR * SECONDS;
const F = SECONDS * FRAME_RATE;
const K = 60;
const B = 65;
const STEPS = Number(process.env.DEMO_STEPS ?? 250);

/** The default target: a sawtooth (additive, below Nyquist) with vibrato through a time-varying resonant low-pass. */
function makeTarget(): Float64Array {
  const saw = new Float64Array(N);
  let phase = 0;
  for (let n = 0; n < N; n++) {
    const t = n / SR;
    const f0 = (t < 1 ? 196 : 262) * (1 + 0.012 * Math.sin(2 * Math.PI * 5.2 * t) * Math.min(1, t * 3));
    phase += (2 * Math.PI * f0) / SR;
    let s = 0;
    for (let k = 1; k * f0 < SR / 2; k++) s += Math.sin(k * phase) / k;
    const env = Math.min(1, t / 0.03) * Math.min(1, (SECONDS - t) / 0.15) * (t % 1 < 0.9 ? 1 : 0.2);
    saw[n] = 0.25 * s * env;
  }
  // Time-varying biquad low-pass (RBJ), cutoff sweeping 400 Hz → 3.5 kHz and back, Q 6.
  const out = new Float64Array(N);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let n = 0; n < N; n++) {
    const t = n / SR;
    const fc = 400 * Math.pow(3500 / 400, 0.5 - 0.5 * Math.cos(2 * Math.PI * t * 0.75));
    const w = (2 * Math.PI * fc) / SR;
    const alpha = Math.sin(w) / (2 * 6);
    const cw = Math.cos(w);
    const a0 = 1 + alpha;
    const b0 = (1 - cw) / 2 / a0;
    const b1 = (1 - cw) / a0;
    const a1 = (-2 * cw) / a0;
    const a2 = (1 - alpha) / a0;
    const y = b0 * saw[n] + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = saw[n];
    y2 = y1;
    y1 = y;
    out[n] = y;
  }
  return out;
}

async function loadTarget(path: string): Promise<Float64Array> {
  const wav = await node.readWav(path);
  let x = io.toMono(wav.channels);
  if (wav.sampleRate !== SR) x = core.resample(x, Math.round((x.length * SR) / wav.sampleRate));
  const out = new Float64Array(N);
  out.set(x.subarray(0, N));
  return out;
}

const path = process.argv[2];
const target = path ? await loadTarget(path) : makeTarget();
console.log(`target: ${path ?? 'sawtooth with vibrato through a sweeping resonant low-pass'}, ${SECONDS} s at ${SR} Hz`);

// Features: f0 and loudness at 250 frames per second.
// pYIN; unvoiced frames take the nearest voiced frame's pitch (the harmonic amplitude can go to zero there).
const track = spectral.pyin(target, { sampleRate: SR, frameRate: FRAME_RATE, fMin: 50, fMax: 2000, fill: 'nearest' });
const f0Hz = Float64Array.from({ length: F }, (_, j) => track.f0Hz[j] || 100);
const loud = spectral.loudness(target);
const voiced = track.voiced.slice(0, F).reduce((s, v) => s + v, 0);
console.log(`features: f0 median ${median(f0Hz).toFixed(1)} Hz (${voiced}/${F} frames voiced), loudness ${Math.min(...loud).toFixed(1)} … ${Math.max(...loud).toFixed(1)} dB`);

// DDSP's harmonic-plus-noise model with trainable frame-rate controls and tracked f0.
const model = chain(
  fanout({
    harmonic: chain(
      fanout({ amplitudes: param('amplitudes'), harmonicDistribution: param('harmonicDistribution'), f0Hz: param('f0Hz') }),
      harmonic({ nSamples: N, sampleRate: SR }),
    ),
    noise: chain(param('noise'), filteredNoise({ nSamples: N, windowSize: 257, seed: 7 })),
  }),
  sum(),
);
const params0: Params = {
  amplitudes: new Float64Array(F),
  harmonicDistribution: frames(new Float64Array(F * K), F, K),
  noise: frames(new Float64Array(F * B), F, B),
  // f0 starts at the pYIN track and is refined by its exact gradient (through the phase).
  f0Hz: f0Hz.slice(),
};
// DDSP's SpectralLoss with its class defaults: six scales (2048 … 64), L1 on magnitudes.
const loss = losses.makeSpectralLoss(target);
const inputs = {};

const t0 = performance.now();
const result = train.fit({
  valueAndGrad: (p) => {
    const [audio, pullback] = model.vjp(inputs, p);
    const { value, grad } = loss.valueAndGrad(audio as Float64Array);
    return { value, grad: densify(pullback(grad)[1], p) };
  },
  params: params0,
  optimizer: train.compose(train.clipByGlobalNorm(100), train.adam({ learningRate: train.exponentialDecay({ initial: 0.1, decaySteps: 100, decayRate: 0.8 }) })),
  steps: STEPS,
  logEvery: 25,
  onProgress: train.logProgress(),
});
const secs = (performance.now() - t0) / 1000;
const resynth = model.forward(inputs, result.params) as Float64Array;
const first = result.losses[0];
const last = loss.loss(resynth);

await node.writeWav('out/target.wav', target, SR);
await node.writeWav('out/resynthesis.wav', resynth, SR);
const fs = await import('node:fs/promises');
await fs.writeFile('out/loss.svg', io.lossCurveSvg([...result.losses, last], { title: 'multi-scale spectral loss (L1 mag + logmag)' }));
const specOpts = { frameSize: 512, hop: 128 };
const toDb = (m: ReturnType<typeof spectral.magnitudeSpectrogram>) => frames(m.data.map((v) => 20 * Math.log10(v + 1e-9)), m.shape[0], m.shape[1]);
const img = io.spectrogramImage([toDb(spectral.magnitudeSpectrogram(target, specOpts)), toDb(spectral.magnitudeSpectrogram(resynth, specOpts))], { rangeDb: 90 });
await fs.writeFile('out/spectrograms.png', await io.encodePng(img.rgb, img.width, img.height));

const f0Fit = result.params.f0Hz as Float64Array;
let moved = 0;
for (let j = 0; j < F; j++) moved = Math.max(moved, Math.abs(1200 * Math.log2(f0Fit[j] / f0Hz[j])));
console.log(`f0 refined by up to ${moved.toFixed(1)} cents from the pYIN track`);
console.log(`loss ${first.toFixed(3)} → ${last.toFixed(3)}: ${(first / last).toFixed(1)}× lower in ${STEPS} steps, ${secs.toFixed(1)} s (${(STEPS / secs).toFixed(1)} steps/s)`);
console.log('wrote out/target.wav, out/resynthesis.wav, out/loss.svg, out/spectrograms.png (top: target, bottom: resynthesis)');

function median(a: Float64Array): number {
  const s = Array.from(a).sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}
