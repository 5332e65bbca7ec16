/**
 * Train DDSP's autoencoder in one call: examples cut from a recording (`autoencoderExamples`),
 * batches drawn from seeded per-epoch shuffles, gradients data-parallel on every core
 * (`dataParallel`, identical for any worker count), DDSP's optimiser, checkpoints and exact
 * resume (`trainLoop`), progress with steps/s and ETA.
 */
import { cpus } from 'node:os';
import ndarray from 'ndarray';
import { checkSignal, checkSize, fail, readOptions, within, withinAsync } from '../core/errors.ts';
import type { Params } from '../core/tree.ts';
import { initAutoencoder, preprocess } from '../nn/autoencoder.ts';
import { presets, type ModelPreset } from '../nn/decoder.ts';
import type { AutoencoderExample } from './autoencoderTask.ts';
import { autoencoderTaskModule, dataParallel } from './parallel.ts';
import { trainLoop, type TrainLoopResult, type TrainProgress } from './loop.ts';
import type { GradientTransformation } from './optimizers.ts';
import type { SpectralLossOptions } from '../losses/spectralLoss.ts';
import { ddspOptimizer } from './fit.ts';

export type { AutoencoderExample };

function presetOf(fn: string, p: unknown): ModelPreset {
  if (typeof p === 'string') {
    const q = (presets as Record<string, ModelPreset>)[p];
    if (q === undefined) fail(fn, `opts.preset: unknown preset '${p}' (known: ${Object.keys(presets).join(', ')})`);
    return q;
  }
  if (typeof p !== 'object' || p === null) fail(fn, `opts.preset must be a preset name (${Object.keys(presets).join(', ')}) or a preset object`);
  return p as ModelPreset;
}

export interface AutoencoderExamplesOptions {
  /** The model the examples are for: its sampleRate, frameRate and nSamples (a name in nn.presets or a preset). */
  preset: keyof typeof presets | ModelPreset;
  /** f0 in Hz per frame at the preset's frame rate (e.g. pYIN with fill: 'nearest'). */
  f0Hz: Float64Array;
  /** Loudness in dB per frame at the preset's frame rate (spectral.loudness). */
  loudnessDb: Float64Array;
  /** Seconds between window starts. Default 1 (DDSP's 4-s windows with a 1-s hop). */
  hopSeconds?: number;
}

/**
 * Cut a recording and its per-frame features into the preset's windows (nSamples each, every
 * hopSeconds), preprocessed as DDSP's F0LoudnessPreprocessor.
 * @example
 *   const { f0Hz } = spectral.pyin(x, { frameRate: 250, fill: 'nearest' });
 *   const ex = train.autoencoderExamples(x, { preset: 'small', f0Hz, loudnessDb: spectral.loudness(x) });
 */
export function autoencoderExamples(audio: Float64Array, opts: AutoencoderExamplesOptions): AutoencoderExample[] {
  const fn = 'autoencoderExamples';
  checkSignal(fn, 'audio', audio);
  if (opts === undefined) fail(fn, 'opts { preset, f0Hz, loudnessDb } is required');
  const o = readOptions(fn, opts, ['preset', 'f0Hz', 'loudnessDb', 'hopSeconds']);
  const preset = presetOf(fn, o.preset);
  checkSignal(fn, 'opts.f0Hz', o.f0Hz);
  checkSignal(fn, 'opts.loudnessDb', o.loudnessDb);
  const hopSeconds = o.hopSeconds ?? 1;
  if (typeof hopSeconds !== 'number' || !(hopSeconds > 0 && hopSeconds < 1e6)) fail(fn, `opts.hopSeconds must be a positive number of seconds (got ${hopSeconds})`);
  const hop = preset.sampleRate / preset.frameRate; // samples per frame
  const T = preset.nSamples / hop;
  if (!Number.isInteger(hop) || !Number.isInteger(T)) fail(fn, 'opts.preset: nSamples and sampleRate/frameRate must give whole frames');
  const step = Math.round((hopSeconds * preset.frameRate));
  if (step < 1) fail(fn, `opts.hopSeconds ${hopSeconds} is less than one frame`);
  const frames = Math.min(o.f0Hz.length, o.loudnessDb.length);
  if (o.f0Hz.length < Math.floor(audio.length / hop)) fail(fn, `opts.f0Hz has ${o.f0Hz.length} frames; audio of ${audio.length} samples needs ${Math.floor(audio.length / hop)} at ${preset.frameRate} frames/s`);
  if (o.loudnessDb.length < Math.floor(audio.length / hop)) fail(fn, `opts.loudnessDb has ${o.loudnessDb.length} frames; audio of ${audio.length} samples needs ${Math.floor(audio.length / hop)} at ${preset.frameRate} frames/s`);
  for (let i = 0; i < o.f0Hz.length; i++) if (!(o.f0Hz[i] > 0)) fail(fn, `opts.f0Hz[${i}] is ${o.f0Hz[i]}; f0 must be positive everywhere (fill unvoiced frames, e.g. pyin's fill: 'nearest')`);
  const out: AutoencoderExample[] = [];
  for (let j = 0; j + T <= frames && j * hop + preset.nSamples <= audio.length; j += step) {
    const f0 = o.f0Hz.slice(j, j + T);
    const s = within(fn, () => preprocess(ndarray(f0, [T, 1]), ndarray(o.loudnessDb.slice(j, j + T), [T, 1])));
    out.push({
      f0_scaled: Float64Array.from(s.f0_scaled.data as ArrayLike<number>),
      ld_scaled: Float64Array.from(s.ld_scaled.data as ArrayLike<number>),
      f0_hz: f0,
      audio: audio.slice(j * hop, j * hop + preset.nSamples),
    });
  }
  if (out.length === 0) fail(fn, `audio of ${(audio.length / preset.sampleRate).toFixed(2)} s is shorter than one example (${preset.nSamples / preset.sampleRate} s)`);
  return out;
}

export interface TrainAutoencoderOptions {
  /** A name in nn.presets or a preset. */
  preset: keyof typeof presets | ModelPreset;
  /** Training windows (autoencoderExamples), all of the preset's length. */
  examples: AutoencoderExample[];
  steps: number;
  /** The spectral loss. Default DDSP's (nn.DDSP_LOSS). */
  loss?: SpectralLossOptions;
  /** Examples per step. Default 4. */
  batchSize?: number;
  /** Worker threads. Default: the number of CPU cores (0: all in this thread). Results do not depend on it. */
  workers?: number;
  /** Default ddspOptimizer({ learningRate }) — Adam, ×0.98 per 10k steps, clip 3. */
  optimizer?: GradientTransformation<any>;
  /** For the default optimizer. Default 1e-3 (DDSP: 3e-4 at batch 32). */
  learningRate?: number;
  /** Seeds the initial parameters and the batch order. Default 0. */
  seed?: number;
  /** Start here instead of a seeded initialisation (e.g. fine-tuning). */
  params?: Params;
  /** Checkpoints (and resume from the latest there): folder, every N steps, keep the last K. */
  checkpoint?: { dir: string; every?: number; keep?: number; extra?: Record<string, unknown> };
  onProgress?: (p: TrainProgress) => void | boolean;
  logEvery?: number;
  /** Runtime arguments for the worker threads (default this process's). */
  execArgv?: string[];
}

/** The example indices of step `step`: consecutive slices of seeded per-epoch permutations. */
export function batchIndices(step: number, batchSize: number, n: number, seed = 0): number[] {
  const fn = 'batchIndices';
  checkSize(fn, 'step', step, 0);
  checkSize(fn, 'batchSize', batchSize, 1);
  checkSize(fn, 'n', n, 1);
  if (!Number.isInteger(seed)) fail(fn, `seed must be an integer (got ${seed})`);
  const out: number[] = [];
  for (let k = 0; k < batchSize; k++) {
    const g = step * batchSize + k;
    const epoch = Math.floor(g / n);
    out.push(permutation(n, seed, epoch)[g % n]);
  }
  return out;
}

const perms = new Map<string, Int32Array>();
function permutation(n: number, seed: number, epoch: number): Int32Array {
  const key = `${n}/${seed}/${epoch}`;
  let p = perms.get(key);
  if (p === undefined) {
    p = Int32Array.from({ length: n }, (_, i) => i);
    let s = (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
    for (let i = n - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = Math.floor((s / 4294967296) * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    if (perms.size > 64) perms.clear();
    perms.set(key, p);
  }
  return p;
}

/**
 * @example
 *   const r = await train.trainAutoencoder({ preset: 'small', examples, steps: 800,
 *     checkpoint: { dir: 'run/', every: 50 }, onProgress: train.logProgress() });
 *   const audio = nn.autoencoderSynth({ preset: nn.presets.small }).forward(features, r.params);
 */
export async function trainAutoencoder(opts: TrainAutoencoderOptions): Promise<TrainLoopResult<Params>> {
  const fn = 'trainAutoencoder';
  if (opts === undefined) fail(fn, 'opts { preset, examples, steps } is required');
  const o = readOptions(fn, opts, ['preset', 'examples', 'steps', 'loss', 'batchSize', 'workers', 'optimizer', 'learningRate', 'seed', 'params', 'checkpoint', 'onProgress', 'logEvery', 'execArgv']);
  const preset = presetOf(fn, o.preset);
  const { examples } = o;
  if (!Array.isArray(examples) || examples.length === 0) fail(fn, 'opts.examples must be a non-empty array of examples (train.autoencoderExamples)');
  const T = (preset.nSamples * preset.frameRate) / preset.sampleRate;
  examples.forEach((e, i) => {
    if (typeof e !== 'object' || e === null) fail(fn, `opts.examples[${i}] must be { f0_scaled, ld_scaled, f0_hz, audio }`);
    for (const [k, n] of [['f0_scaled', T], ['ld_scaled', T], ['f0_hz', T], ['audio', preset.nSamples]] as const) {
      const v = (e as unknown as Record<string, unknown>)[k];
      if (!(v instanceof Float64Array) || v.length !== n) fail(fn, `opts.examples[${i}].${k} must be a Float64Array of ${n} values (got ${v instanceof Float64Array ? v.length : typeof v})`);
    }
  });
  const batchSize = o.batchSize ?? 4;
  checkSize(fn, 'opts.batchSize', batchSize, 1);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) fail(fn, `opts.seed must be an integer (got ${seed})`);
  if (o.optimizer !== undefined && o.learningRate !== undefined) fail(fn, 'give opts.optimizer or opts.learningRate, not both');
  const optimizer = o.optimizer ?? within(fn, () => ddspOptimizer({ learningRate: o.learningRate ?? 1e-3 }));
  const params = o.params ?? within(fn, () => initAutoencoder({ preset }, seed));
  if (o.steps === undefined) fail(fn, 'opts.steps is required');
  const dp = await withinAsync(fn, () => dataParallel<Params, AutoencoderExample>({
    module: autoencoderTaskModule, config: { preset, ...(o.loss ? { loss: o.loss } : {}) }, workers: o.workers ?? cpus().length, ...(o.execArgv ? { execArgv: o.execArgv } : {}),
  }));
  try {
    return await withinAsync(fn, () => trainLoop({
      params,
      valueAndGrad: (p, step) => dp.valueAndGrad(p, batchIndices(step, batchSize, examples.length, seed).map((i) => examples[i])),
      optimizer,
      steps: o.steps,
      ...(o.checkpoint !== undefined ? { checkpoint: o.checkpoint } : {}),
      ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
      ...(o.logEvery !== undefined ? { logEvery: o.logEvery } : {}),
    }));
  } finally {
    await dp.close();
  }
}
