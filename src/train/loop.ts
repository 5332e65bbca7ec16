/**
 * A training loop that checkpoints and resumes: `fit` with atomic checkpoints every N steps and,
 * when the folder already holds one, a resume that continues exactly where it stopped —
 * parameters, optimizer state and step restored bit for bit, so the run reaches the same
 * parameters at step N as if it had never stopped (the loss function must depend only on the
 * parameters and the step, e.g. choosing its batch from the step). Progress reports steps/s and ETA.
 */
import { checkSize, fail, readOptions } from '../core/errors.ts';
import type { Params } from '../core/tree.ts';
import { applyUpdates, type GradientTransformation } from './optimizers.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import type { FitProgress } from './fit.ts';

export interface TrainProgress extends FitProgress {
  /** Estimated seconds to the last step at the current speed. */
  etaSeconds: number;
  /** The step a resumed run started from (0 for a fresh run). */
  resumedFrom: number;
}

export interface TrainLoopOptions<P extends Params> {
  /** Loss and gradient at params for a step; may return a promise (e.g. dataParallel's). */
  valueAndGrad: (params: P, step: number) => { value: number; grad: P } | Promise<{ value: number; grad: P }>;
  params: P;
  optimizer: GradientTransformation<any>;
  /** Total steps (a resumed run takes the remaining ones). */
  steps: number;
  /** Checkpoints: folder, interval in steps (default 100), how many to keep (default 3), extras to store. */
  checkpoint?: { dir: string; every?: number; keep?: number; extra?: Record<string, unknown> };
  /** Resume from the folder's latest checkpoint if there is one. Default true with `checkpoint`. */
  resume?: boolean;
  onProgress?: (p: TrainProgress) => void | boolean;
  /** Default: steps/10, at least 1. */
  logEvery?: number;
}

export interface TrainLoopResult<P extends Params> {
  params: P;
  optimizerState: unknown;
  /** The loss at each step this run took, before that step's update. */
  losses: Float64Array;
  step: number;
  resumedFrom: number;
}

/**
 * @example
 *   const r = await trainLoop({ valueAndGrad: vg, params, optimizer: ddspOptimizer(), steps: 10000,
 *                               checkpoint: { dir: 'run/', every: 500 }, onProgress: logProgress() });
 */
export async function trainLoop<P extends Params>(opts: TrainLoopOptions<P>): Promise<TrainLoopResult<P>> {
  const fn = 'trainLoop';
  if (opts === undefined) fail(fn, 'opts must be { valueAndGrad, params, optimizer, steps }');
  const o = readOptions(fn, opts, ['valueAndGrad', 'params', 'optimizer', 'steps', 'checkpoint', 'resume', 'onProgress', 'logEvery']);
  const { valueAndGrad, optimizer, steps, onProgress, checkpoint } = o;
  if (typeof valueAndGrad !== 'function') fail(fn, 'opts.valueAndGrad must be a function (params, step) => { value, grad }');
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.init !== 'function' || typeof optimizer.update !== 'function') {
    fail(fn, 'opts.optimizer must be a gradient transformation { init, update }');
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') fail(fn, 'opts.onProgress must be a function');
  if (typeof o.params !== 'object' || o.params === null) fail(fn, 'opts.params must be a record of parameters');
  checkSize(fn, 'opts.steps', steps, 1);
  const logEvery = o.logEvery ?? Math.max(1, Math.floor(steps / 10));
  checkSize(fn, 'opts.logEvery', logEvery, 1);
  let every = 0;
  if (checkpoint !== undefined) {
    readOptions(fn, checkpoint, ['dir', 'every', 'keep', 'extra'], 'opts.checkpoint');
    if (typeof checkpoint.dir !== 'string' || checkpoint.dir.length === 0) fail(fn, 'opts.checkpoint.dir must be a folder path');
    every = checkpoint.every ?? 100;
    checkSize(fn, 'opts.checkpoint.every', every, 1);
  }
  const resume = o.resume ?? checkpoint !== undefined;
  if (typeof resume !== 'boolean') fail(fn, 'opts.resume must be true or false');
  if (resume && checkpoint === undefined) fail(fn, 'opts.resume needs opts.checkpoint.dir');

  let params = o.params;
  let state: unknown = optimizer.init(params);
  let start = 0;
  if (resume && checkpoint) {
    const ck = await loadCheckpoint<P>(checkpoint.dir);
    if (ck !== undefined) {
      if (ck.step > steps) fail(fn, `the checkpoint in '${checkpoint.dir}' is at step ${ck.step}, beyond opts.steps ${steps}`);
      params = ck.params;
      state = ck.optimizerState;
      start = ck.step;
    }
  }
  const losses: number[] = [];
  const t0 = performance.now();
  for (let step = start; step < steps; step++) {
    const { value, grad } = await valueAndGrad(params, step);
    if (!Number.isFinite(value)) fail(fn, `loss is ${value} at step ${step}; lower the learning rate or check the inputs`);
    losses.push(value);
    const [updates, next] = optimizer.update(grad, state, params);
    params = applyUpdates(params, updates);
    state = next;
    const taken = step + 1;
    if (checkpoint && (taken % every === 0 || taken === steps)) {
      await saveCheckpoint(checkpoint.dir, { step: taken, params, optimizerState: state, extra: checkpoint.extra }, { keep: checkpoint.keep ?? 3 });
    }
    if (onProgress && (taken % logEvery === 0 || taken === steps)) {
      const secs = Math.max((performance.now() - t0) / 1000, 1e-6);
      const rate = (taken - start) / secs;
      const go = onProgress({ step: taken, steps, loss: value, stepsPerSecond: rate, etaSeconds: (steps - taken) / rate, resumedFrom: start });
      if (go === false) return { params, optimizerState: state, losses: Float64Array.from(losses), step: taken, resumedFrom: start };
    }
  }
  return { params, optimizerState: state, losses: Float64Array.from(losses), step: steps, resumedFrom: start };
}
