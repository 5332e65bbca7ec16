/**
 * `ddsp train --data data/ --out run/`: the dataset's examples cut to the preset's length,
 * trainAutoencoder with checkpoints in run/, a progress bar (loss, steps/s, ETA), run/losses.json
 * and run/loss.svg kept up to date at each checkpoint; Ctrl-C saves a checkpoint and stops; a
 * rerun resumes exactly.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { linePlotSvg } from '../io/figures.ts';
import { svgToPng } from '../node/files.ts';
import { initRnnFcDecoder, presets, type ModelPreset } from '../nn/decoder.ts';
import { countParams } from '../nn/layers.ts';
import { saveCheckpoint, loadCheckpoint, writeAtomic } from '../train/checkpoint.ts';
import { trainAutoencoder } from '../train/autoencoderTrain.ts';
import { autoencoderExamples, type AutoencoderExample } from '../train/autoencoderData.ts';
import { ddspOptimizer } from '../train/fit.ts';
import { datasetStatistics, readAllExamples, readManifests, writeJson, type StoredExamples } from './dataset.ts';
import { progressLine } from './progress.ts';

export interface RunConfig {
  format: 'ddsp-run/1';
  presetName: string;
  preset: ModelPreset;
  data: string;
  examples: number;
  statistics: ReturnType<typeof datasetStatistics>;
}

export interface TrainCmdOptions {
  data: string;
  out: string;
  preset: string;
  steps: number;
  batch: number;
  workers?: number;
  lr: number;
  /** Learning rate at the last step, exponentially from lr (default: DDSP's ×0.98 per 10k steps). */
  lrFinal?: number;
  every: number;
  keep: number;
  seed: number;
  log: (line: string) => void;
  /** Write progress without a newline (a TTY's bar). */
  tty: boolean;
}

export async function loadDataset(dir: string): Promise<{ examples: StoredExamples; manifest: NonNullable<Awaited<ReturnType<typeof readManifests>>> }> {
  const manifest = await readManifests(dir);
  if (manifest === undefined) throw new Error(`${dir}: no dataset here (no manifest.json); run ddsp prepare <audio> --out ${dir} first`);
  const all = await readAllExamples(dir, manifest);
  if (all.audio.length === 0) throw new Error(`${dir}: the dataset has no examples (every file was skipped or too short)`);
  return { examples: all, manifest };
}

/** Stored examples cut into the preset's length (consecutive pieces) and preprocessed. */
export function toTrainingExamples(ex: StoredExamples, preset: ModelPreset, presetName: string): AutoencoderExample[] {
  const S = preset.nSamples;
  const hop = preset.sampleRate / preset.frameRate;
  const out: AutoencoderExample[] = [];
  const len = ex.audio[0].length;
  if (len < S) throw new Error(`the dataset's examples are ${len} samples, shorter than preset '${presetName}' needs (${S}); prepare with --example-seconds ${S / preset.sampleRate}`);
  if (ex.f0Hz[0].length * hop !== len) throw new Error(`the dataset's frame rate does not match preset '${presetName}' (${preset.frameRate} frames/s); prepare with --frame-rate ${preset.frameRate}`);
  // Consecutive preset-length pieces of each stored window: DDSP's windowing with a hop of one piece.
  for (let i = 0; i < ex.audio.length; i++) {
    out.push(...autoencoderExamples(ex.audio[i], { preset, f0Hz: ex.f0Hz[i], loudnessDb: ex.loudnessDb[i], hopSeconds: S / preset.sampleRate }));
  }
  return out;
}

export async function trainCmd(o: TrainCmdOptions): Promise<{ step: number; loss: number }> {
  if (o.lrFinal !== undefined && !(o.lrFinal <= o.lr)) throw new Error(`--lr-final (${o.lrFinal}) must not exceed --lr (${o.lr}): the rate anneals`);
  const preset = (presets as Record<string, ModelPreset>)[o.preset];
  if (preset === undefined) throw new Error(`--preset '${o.preset}' is not one of ${Object.keys(presets).join(', ')}`);
  await mkdir(o.out, { recursive: true });
  let config: RunConfig | undefined;
  try {
    config = JSON.parse(await readFile(join(o.out, 'config.json'), 'utf8')) as RunConfig;
  } catch {
    config = undefined;
  }
  if (config && config.presetName !== o.preset) throw new Error(`${o.out} holds a run of preset '${config.presetName}', not '${o.preset}'; use another --out folder`);
  const { examples: stored } = await loadDataset(o.data);
  const examples = toTrainingExamples(stored, preset, o.preset);
  const statistics = datasetStatistics(stored);
  if (!config) {
    config = { format: 'ddsp-run/1', presetName: o.preset, preset, data: o.data, examples: examples.length, statistics };
    await writeJson(join(o.out, 'config.json'), config);
  }
  const ck = await loadCheckpoint(o.out);
  const start = ck?.step ?? 0;
  if (start >= o.steps) {
    o.log(`${o.out} is at step ${start} already (--steps ${o.steps}); raise --steps to train on`);
    return { step: start, loss: NaN };
  }
  let losses: number[] = [];
  try {
    losses = (JSON.parse(await readFile(join(o.out, 'losses.json'), 'utf8')) as number[]).slice(0, start);
  } catch {
    losses = [];
  }
  o.log(`train: preset ${o.preset} (${countParams(initRnnFcDecoder(preset.decoder)).toLocaleString('en-US')} decoder parameters), ${examples.length} examples of ${preset.nSamples / preset.sampleRate} s from ${o.data}, batch ${o.batch}, ${start > 0 ? `resuming at step ${start}` : 'from scratch'} → ${o.out}`);
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const saveCurve = async () => {
    await writeJson(join(o.out, 'losses.json'), losses);
    if (losses.length === 0) return;
    const svg = linePlotSvg([{ name: 'loss', x: losses.map((_, i) => i + 1), y: losses }], { title: `training loss (multi-scale spectral), preset ${o.preset}, batch ${o.batch}`, xLabel: 'step', yLabel: 'loss', yLog: true });
    await writeAtomic(join(o.out, 'loss.svg'), new TextEncoder().encode(svg));
    await writeAtomic(join(o.out, 'loss.png'), await svgToPng(svg));
  };
  const bar = progressLine(o.log, o.tty);
  let pending: Promise<void> = Promise.resolve(); // curve writes, one at a time
  let last = { step: start, loss: NaN };
  try {
    const r = await trainAutoencoder({
      preset, examples, steps: o.steps, batchSize: o.batch, seed: o.seed,
      optimizer: o.lrFinal === undefined ? ddspOptimizer({ learningRate: o.lr }) : ddspOptimizer({ learningRate: o.lr, decaySteps: o.steps, decayRate: o.lrFinal / o.lr }),
      ...(o.workers !== undefined ? { workers: o.workers } : {}),
      checkpoint: { dir: o.out, every: o.every, keep: o.keep, extra: { preset: o.preset } },
      logEvery: 1,
      onProgress: (p) => {
        losses[p.step - 1] = p.loss;
        last = { step: p.step, loss: p.loss };
        bar(p);
        if (p.step % o.every === 0 || p.step === o.steps) pending = pending.then(saveCurve);
        return !stop;
      },
    });
    if (stop && r.step < o.steps) {
      await saveCheckpoint(o.out, { step: r.step, params: r.params, optimizerState: r.optimizerState, extra: { preset: o.preset } }, { keep: o.keep });
      o.log(`\ninterrupted: checkpoint saved at step ${r.step}; rerun the same command to resume`);
    }
  } finally {
    process.off('SIGINT', onSigint);
    await pending;
    await saveCurve();
  }
  bar.done();
  return last;
}
