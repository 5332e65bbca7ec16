/**
 * Train DDSP's autoencoder in one call (Node, Deno, Bun: `ddsp/node`): examples cut from a recording (`autoencoderExamples`),
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
import { batchIndices, presetOf } from './autoencoderData.ts';
import { autoencoderTaskModule, dataParallel } from './parallel.ts';
import { trainLoop, type TrainLoopResult, type TrainProgress } from './loop.ts';
import type { GradientTransformation } from './optimizers.ts';
import type { SpectralLossOptions } from '../losses/spectralLoss.ts';
import { ddspOptimizer } from './fit.ts';


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

/**
 * @example
 *   const r = await node.trainAutoencoder({ preset: 'small', examples, steps: 800,
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
