/**
 * Train a neural instrument from a real instrument recording, end to end on this machine:
 *   1. write a 75-s flute melody as MIDI and render it with FluidSynth (fluid-soundfont-gm), 16 kHz;
 *   2. track f0 (pYIN, unvoiced frames filled from the nearest voiced one) and loudness at 250
 *      frames/s, cut 2-s windows with a 1-s hop from the first 65 s, keep the last 10 s back;
 *   3. train the `small` preset (decoder → harmonic + filtered noise, DDSP's multi-scale spectral
 *      loss) with Adam (3e-3 annealed to 3e-4) on batches of 4, data-parallel on every core, checkpointing to
 *      out/train-run/ (rerun to resume);
 *   4. resynthesize the held-back 10 s and report DDSP's metrics: loudness L1 (dB) and the f0 L1
 *      (cents) of the resynthesis re-tracked.
 *   npm run example:train            (TRAIN_STEPS, TRAIN_WORKERS, TRAIN_LR, TRAIN_DECAY to change the run)
 * Needs the Debian packages fluidsynth and fluid-soundfont-gm.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import ndarray from 'ndarray';
import { io, losses, nn, spectral, train } from '../index.ts';
import { melody, writeMidi } from './midi.ts';
import * as node from '../node/index.ts';

const SR = 16000;
const SECONDS = 75;
const HELD_OUT = 10;
const preset = nn.presets.small;
const T = nn.framesPerExample(preset); // 500 frames per 2-s window

async function render(): Promise<Float64Array> {
  mkdirSync('out/train-data', { recursive: true });
  const wav = 'out/train-data/flute.wav';
  if (!existsSync(wav)) {
    const sf2 = ['/usr/share/sounds/sf2/FluidR3_GM.sf2', '/usr/share/sounds/sf2/default-GM.sf2'].find(existsSync);
    if (sf2 === undefined) throw new Error('install the Debian packages fluidsynth and fluid-soundfont-gm (no soundfont in /usr/share/sounds/sf2)');
    writeFileSync('out/train-data/flute.mid', writeMidi(melody(SECONDS, 7, 62, 86), 73));
    const r = spawnSync('fluidsynth', ['-ni', '-R', '0', '-C', '0', '-g', '0.7', '-r', String(SR), '-F', wav, sf2, 'out/train-data/flute.mid'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`fluidsynth failed (${r.error?.message ?? r.stderr}); install the Debian package fluidsynth`);
  }
  const w = await node.readWav(wav);
  if (w.sampleRate !== SR) throw new Error(`${wav} is at ${w.sampleRate} Hz, expected ${SR}`);
  return io.toMono(w.channels);
}

export async function main() {
  const steps = Number(process.env.TRAIN_STEPS ?? 1200);
  const workers = Number(process.env.TRAIN_WORKERS ?? cpus().length);
  const t0 = performance.now();
  const x = await render();
  console.log(`rendered ${(x.length / SR).toFixed(1)} s of FluidSynth flute (General MIDI 73) at ${SR} Hz`);
  const { f0Hz, voiced } = spectral.pyin(x, { sampleRate: SR, frameRate: preset.frameRate, fMin: 200, fMax: 1600, fill: 'nearest' });
  const loudnessDb = spectral.loudness(x, { sampleRate: SR, frameRate: preset.frameRate });
  console.log(`features: pYIN f0 (${(100 * voiced.reduce((s, v) => s + v, 0) / voiced.length).toFixed(0)}% of frames voiced) and loudness at ${preset.frameRate} frames/s`);
  const cut = (SECONDS - HELD_OUT) * SR;
  const frameCut = (SECONDS - HELD_OUT) * preset.frameRate;
  const trainSet = train.autoencoderExamples(x.subarray(0, cut), { preset, f0Hz: f0Hz.subarray(0, frameCut + 1), loudnessDb: loudnessDb.subarray(0, frameCut + 1) });
  const testSet = train.autoencoderExamples(x.subarray(cut), { preset, f0Hz: f0Hz.subarray(frameCut), loudnessDb: loudnessDb.subarray(frameCut), hopSeconds: 2 });
  console.log(`${trainSet.length} training windows of 2 s (1-s hop) from the first ${SECONDS - HELD_OUT} s; ${testSet.length} held-back windows`);

  const result = await node.trainAutoencoder({
    preset: 'small',
    examples: trainSet,
    steps,
    batchSize: 4,
    workers,
    // A short run anneals: Adam from 3e-3 down to a tenth of it by the last step (DDSP: 3e-4,
    // ×0.98 per 10k steps, over 30k+ steps).
    optimizer: train.ddspOptimizer({ learningRate: Number(process.env.TRAIN_LR ?? 3e-3), decaySteps: steps, decayRate: Number(process.env.TRAIN_DECAY ?? 0.1) }),
    checkpoint: { dir: 'out/train-run', every: 50, keep: 2, extra: { preset: 'small', data: 'FluidSynth flute, 75 s' } },
    logEvery: 25,
    onProgress: train.logProgress(),
  });
  const ls = result.losses;
  const k = Math.min(25, ls.length);
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  if (result.resumedFrom === 0 && ls.length > k) {
    const end = mean(ls.slice(-k));
    console.log(`spectral loss: ${ls[0].toFixed(3)} at step 1 (the initial model) → ${end.toFixed(3)} (mean of the last ${k} steps), ${(ls[0] / end).toFixed(1)}× lower; the first ${k} steps averaged ${mean(ls.slice(0, k)).toFixed(3)}`);
  }

  // Evaluation on the held-back 10 s: resynthesis, loudness L1 and re-tracked f0 L1.
  const synth = nn.autoencoderSynth({ preset });
  let ldErr = 0;
  let centErr = 0;
  let centN = 0;
  let specLoss = 0;
  const resynth: Float64Array[] = [];
  for (const e of testSet) {
    const y = (synth.forward({ f0_scaled: ndarray(e.f0_scaled, [1, T, 1]), ld_scaled: ndarray(e.ld_scaled, [1, T, 1]), f0_hz: ndarray(e.f0_hz, [1, T, 1]) } as never, result.params) as Float64Array[])[0];
    resynth.push(y);
    specLoss += losses.spectralLoss(e.audio, y, nn.DDSP_LOSS)[0] / testSet.length;
    ldErr += nn.loudnessL1(e.audio, y, { sampleRate: SR, frameRate: preset.frameRate }) / testSet.length;
    const f = nn.f0L1Cents(e.audio, y, { sampleRate: SR, frameRate: preset.frameRate, fMin: 200, fMax: 1600 });
    if (f.frames > 0) {
      centErr += f.cents * f.frames;
      centN += f.frames;
    }
  }
  console.log(`held-back 10 s: spectral loss ${specLoss.toFixed(3)}, loudness L1 ${ldErr.toFixed(2)} dB, f0 L1 ${(centErr / Math.max(1, centN)).toFixed(1)} cents (${centN} frames voiced in both)`);
  const joined = new Float64Array(resynth.length * preset.nSamples);
  resynth.forEach((r, i) => joined.set(r, i * preset.nSamples));
  await node.writeWav('out/train-resynthesis.wav', joined, SR);
  await node.writeWav('out/train-heldback.wav', x.slice(cut), SR);
  writeFileSync('out/train-loss.svg', io.linePlotSvg([{ name: 'loss', y: ls.length ? ls : Float64Array.of(1) }], { title: 'Training loss (multi-scale spectral, batch 4)', xLabel: 'step', yLabel: 'loss', yLog: true }));
  console.log(`wrote out/train-resynthesis.wav, out/train-heldback.wav, out/train-loss.svg; ${(performance.now() - t0) / 1000 | 0} s in all${result.resumedFrom ? ` (resumed from step ${result.resumedFrom})` : ''}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
