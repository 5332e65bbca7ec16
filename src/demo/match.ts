/**
 * `npm run demo`: sound matching. Take a target sound — by default one made here by a different
 * method (a band-limited sawtooth with vibrato through a sweeping resonant low-pass filter), or
 * an audio file (`npm run demo -- path/to/file.mp3`: WAV, MP3, FLAC or Ogg Vorbis, the first
 * `--seconds`, mixed to mono, resampled to 16 kHz with anti-aliasing) — track its f0 (pYIN) and
 * loudness, then fit the frame-rate controls of DDSP's harmonic-plus-noise model to it with Adam
 * on the multi-scale spectral loss; f0 starts at the pYIN track and is refined through its exact
 * gradient. `npm run demo -- --help` lists the options.
 * Writes out/target.wav, out/resynthesis.wav, out/loss.svg/.png and out/spectrograms.svg/.png.
 */
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { chain, fanout, param, sum, harmonic, filteredNoise, frames, io, spectral, losses, train } from '../index.ts';
import { densify, type Params } from '../core/tree.ts';
import * as node from '../node/index.ts';
import { loadAudio } from '../cli/audio.ts';

const HELP = `npm run demo -- [input] [--steps N] [--seconds S] [--out DIR]

Fits DDSP's harmonic-plus-noise model (60 harmonics, 65 noise bands, 250 frames/s) to a target
by gradient descent on the multi-scale spectral loss, and writes target.wav, resynthesis.wav,
loss.svg/.png (the loss per step) and spectrograms.svg/.png to the output folder.

  input          an audio file (WAV, MP3, FLAC, Ogg Vorbis); default: a filtered sawtooth made here
  --steps N      optimisation steps (default 250; the DEMO_STEPS variable also sets it)
  --seconds S    seconds of the target to match (default 2; 0.25 to 10)
  --out DIR      output folder (default out)
  -h, --help     this text`;

function options() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { steps: { type: 'string' }, seconds: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
}
const args = options();
if (args.values.help) {
  console.log(HELP);
  process.exit(0);
}
function positiveNumber(name: string, text: string | undefined, fallback: number, max: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || v > max || (integer && !Number.isInteger(v))) {
    console.error(`--${name} must be ${integer ? 'an integer' : 'a number'} in (0, ${max}] (got '${text}')\n\n${HELP}`);
    process.exit(2);
  }
  return v;
}
if (args.positionals.length > 1) {
  console.error(`one input file at most (got ${args.positionals.join(', ')})\n\n${HELP}`);
  process.exit(2);
}

const SR = 16000;
const FRAME_RATE = 250;
const STEPS = positiveNumber('steps', args.values.steps ?? process.env.DEMO_STEPS, 250, 1e6, true);
// Whole frames: the seconds are rounded to a multiple of 1/250 s.
const SECONDS = Math.round(Math.max(0.25, positiveNumber('seconds', args.values.seconds, 2, 10, false)) * FRAME_RATE) / FRAME_RATE;
const F = Math.round(SECONDS * FRAME_RATE);
const N = F * (SR / FRAME_RATE);
const K = 60;
const B = 65;
const OUT = args.values.out ?? 'out';

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
    const env = Math.min(1, t / 0.03) * Math.min(1, Math.max(0, SECONDS - t) / 0.15) * (t % 1 < 0.9 ? 1 : 0.2);
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
  try {
    const { audio, sourceRate } = await loadAudio(path, SR);
    if (sourceRate !== SR) console.log(`resampled ${sourceRate} Hz → ${SR} Hz (anti-aliased)`);
    const out = new Float64Array(N);
    out.set(audio.subarray(0, N));
    return out;
  } catch (e) {
    console.error(`npm run demo: ${(e as Error).message}`);
    process.exit(1);
  }
}

const path = args.positionals[0];
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

await mkdir(OUT, { recursive: true });
await node.writeWav(`${OUT}/target.wav`, target, SR);
await node.writeWav(`${OUT}/resynthesis.wav`, resynth, SR);
const curve = [...result.losses, last];
const lossSvg = io.linePlotSvg([{ name: 'loss', x: curve.map((_, i) => i), y: curve }], {
  title: `Multi-scale spectral loss (L1 on magnitudes, FFT 2048…64) — ${(first / last).toFixed(1)}× lower in ${STEPS} steps`,
  xLabel: 'step', yLabel: 'loss', yLog: true,
});
await writeFile(`${OUT}/loss.svg`, lossSvg);
await writeFile(`${OUT}/loss.png`, await node.svgToPng(lossSvg));
const specSvg = await io.spectrogramFigure([{ title: 'target', audio: target }, { title: 'resynthesis', audio: resynth }], {
  sampleRate: SR, frameSize: 512, hop: 64, rangeDb: 90, title: `Sound matching: ${path ?? 'filtered sawtooth with vibrato'}`,
});
await writeFile(`${OUT}/spectrograms.svg`, specSvg);
await writeFile(`${OUT}/spectrograms.png`, await node.svgToPng(specSvg));

const f0Fit = result.params.f0Hz as Float64Array;
let moved = 0;
for (let j = 0; j < F; j++) moved = Math.max(moved, Math.abs(1200 * Math.log2(f0Fit[j] / f0Hz[j])));
console.log(`f0 refined by up to ${moved.toFixed(1)} cents from the pYIN track`);
console.log(`loss ${first.toFixed(3)} → ${last.toFixed(3)}: ${(first / last).toFixed(1)}× lower in ${STEPS} steps, ${secs.toFixed(1)} s (${(STEPS / secs).toFixed(1)} steps/s)`);
console.log(`wrote ${OUT}/target.wav, resynthesis.wav, loss.svg/.png, spectrograms.svg/.png (top: target, bottom: resynthesis)`);

function median(a: Float64Array): number {
  const s = Array.from(a).sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}
