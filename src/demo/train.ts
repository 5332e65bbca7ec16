/**
 * Train a neural instrument from a real instrument recording, end to end on this machine:
 *   1. write a 75-s flute melody as MIDI and render it with FluidSynth (fluid-soundfont-gm), 16 kHz;
 *   2. track f0 (YIN) and loudness at 250 frames/s, cut 2-s windows with a 1-s hop from the first
 *      65 s, keep the last 10 s back;
 *   3. train the `small` preset (decoder → harmonic + filtered noise → reverb, DDSP's multi-scale
 *      spectral loss) with Adam on batches of 4, data-parallel on every core, checkpointing to
 *      out/train-run/ (rerun to resume);
 *   4. resynthesize the held-back 10 s and report DDSP's metrics: loudness L1 (dB) and the f0 L1
 *      (cents) of the resynthesis re-tracked.
 *   npm run example:train            (TRAIN_STEPS, TRAIN_WORKERS, TRAIN_LR to change the run)
 * Needs the Debian packages fluidsynth and fluid-soundfont-gm.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import ndarray from 'ndarray';
import { io, losses, nn, spectral, train } from '../index.ts';
import { melody, writeMidi } from './midi.ts';

const SR = 16000;
const SECONDS = 75;
const HELD_OUT = 10;
const preset = nn.presets.small;
const T = nn.framesPerExample(preset); // 500 frames per 2-s window
const HOP = SR / preset.frameRate; // 64 samples

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
  const w = await io.readWav(wav);
  if (w.sampleRate !== SR) throw new Error(`${wav} is at ${w.sampleRate} Hz, expected ${SR}`);
  return io.toMono(w.channels);
}

/** f0 by YIN with unconfident frames filled from the nearest confident one; loudness (DDSP v3). */
function features(x: Float64Array) {
  const { f0Hz, confidence } = spectral.yin(x, { sampleRate: SR, frameRate: preset.frameRate, fMin: 200, fMax: 1600 });
  const f0 = f0Hz.slice();
  let last = 0;
  for (let i = 0; i < f0.length; i++) if (confidence[i] >= 0.6 && f0[i] > 0) last = f0[i]; else f0[i] = last;
  for (let i = f0.length - 1, next = 0; i >= 0; i--) if (confidence[i] >= 0.6 && f0Hz[i] > 0) next = f0Hz[i]; else if (f0[i] === 0) f0[i] = next;
  const ld = spectral.loudness(x, { sampleRate: SR, frameRate: preset.frameRate });
  return { f0, ld, confidence };
}

function window(x: Float64Array, f: ReturnType<typeof features>, startSec: number) {
  const s = startSec * SR;
  const j = s / HOP;
  const f0 = f.f0.slice(j, j + T);
  const s2 = nn.preprocess(ndarray(f0, [T, 1]), ndarray(f.ld.slice(j, j + T), [T, 1]));
  return { f0_scaled: Float64Array.from(s2.f0_scaled.data), ld_scaled: Float64Array.from(s2.ld_scaled.data), f0_hz: f0, audio: x.slice(s, s + preset.nSamples) };
}

export async function main() {
  const steps = Number(process.env.TRAIN_STEPS ?? 500);
  const workers = Number(process.env.TRAIN_WORKERS ?? cpus().length);
  const t0 = performance.now();
  const x = await render();
  console.log(`rendered ${(x.length / SR).toFixed(1)} s of FluidSynth flute (General MIDI 73) at ${SR} Hz`);
  const f = features(x);
  const trainSet = Array.from({ length: SECONDS - HELD_OUT - 1 }, (_, i) => window(x, f, i));
  const testSet = Array.from({ length: HELD_OUT / 2 }, (_, i) => window(x, f, SECONDS - HELD_OUT + 2 * i));
  console.log(`${trainSet.length} training windows of 2 s (1-s hop) from the first ${SECONDS - HELD_OUT} s; ${testSet.length} held-back windows`);

  const dp = await train.dataParallel({ module: train.autoencoderTaskModule, config: { preset: 'small' }, workers, execArgv: ['--import', 'tsx'] });
  // Batches of 4 windows chosen from the step (a resumed run sees the same batches).
  const batchOf = (step: number) => Array.from({ length: 4 }, (_, k) => trainSet[(Math.imul(step * 4 + k + 1, 2654435761) >>> 0) % trainSet.length]);
  const result = await train.trainLoop({
    params: nn.initAutoencoder({ preset }, 0),
    valueAndGrad: (p, step) => dp.valueAndGrad(p, batchOf(step)),
    optimizer: train.ddspOptimizer({ learningRate: Number(process.env.TRAIN_LR ?? 1e-3) }),
    steps,
    checkpoint: { dir: 'out/train-run', every: 50, keep: 2, extra: { preset: 'small', data: 'FluidSynth flute, 75 s' } },
    logEvery: 25,
    onProgress: train.logProgress(),
  });
  await dp.close();
  const ls = result.losses;
  const k = Math.min(25, Math.floor(ls.length / 2));
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  if (ls.length >= 2 * k && k > 0) {
    console.log(`spectral loss: ${mean(ls.slice(0, k)).toFixed(3)} over the first ${k} steps → ${mean(ls.slice(-k)).toFixed(3)} over the last ${k} (${(mean(ls.slice(0, k)) / mean(ls.slice(-k))).toFixed(1)}× lower)`);
  }

  // Evaluation on the held-back 10 s: resynthesis, loudness L1 and re-tracked f0 L1.
  const synth = nn.autoencoderSynth({ preset });
  let ldErr = 0;
  let centErr = 0;
  let centN = 0;
  let specLoss = 0;
  const resynth: Float64Array[] = [];
  const m = { sampleRate: SR, frameRate: preset.frameRate, fMin: 200, fMax: 1600 };
  for (const e of testSet) {
    const y = (synth.forward({ f0_scaled: ndarray(e.f0_scaled, [1, T, 1]), ld_scaled: ndarray(e.ld_scaled, [1, T, 1]), f0_hz: ndarray(e.f0_hz, [1, T, 1]) } as never, result.params) as Float64Array[])[0];
    resynth.push(y);
    specLoss += losses.spectralLoss(e.audio, y, nn.DDSP_LOSS)[0] / testSet.length;
    ldErr += nn.loudnessL1(e.audio, y, { sampleRate: SR, frameRate: preset.frameRate }) / testSet.length;
    const f = nn.f0L1Cents(e.audio, y, m);
    if (f.frames > 0) {
      centErr += f.cents * f.frames;
      centN += f.frames;
    }
  }
  console.log(`held-back 10 s: spectral loss ${specLoss.toFixed(3)}, loudness L1 ${ldErr.toFixed(2)} dB, f0 L1 ${(centErr / Math.max(1, centN)).toFixed(1)} cents (${centN} confidently voiced frames)`);
  const joined = new Float64Array(resynth.length * preset.nSamples);
  resynth.forEach((r, i) => joined.set(r, i * preset.nSamples));
  await io.writeWav('out/train-resynthesis.wav', joined, SR);
  await io.writeWav('out/train-heldback.wav', x.slice((SECONDS - HELD_OUT) * SR), SR);
  writeFileSync('out/train-loss.svg', io.lossCurveSvg(result.losses.length ? result.losses : Float64Array.of(1), { title: 'training loss (multi-scale spectral, batch 4)' }));
  console.log(`wrote out/train-resynthesis.wav, out/train-heldback.wav, out/train-loss.svg; ${(performance.now() - t0) / 1000 | 0} s in all${result.resumedFrom ? ` (resumed from step ${result.resumedFrom})` : ''}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
