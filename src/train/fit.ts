/** A small training loop over a value-and-gradient function and an optimizer. */
import { checkInteger, checkPositive, checkSize, fail, optionKeys, readOptions } from '../core/errors.ts';
import type { Params } from '../core/tree.ts';
import { adam, applyUpdates, clipByGlobalNorm, compose, type GradientTransformation } from './optimizers.ts';
import { exponentialDecay } from './schedules.ts';

export interface FitProgress {
  step: number;
  steps: number;
  loss: number;
  stepsPerSecond: number;
}

export interface FitOptions<P extends Params> {
  /** Loss and gradient at params (e.g. `(p) => valueAndGrad(node)(x, p)`). */
  valueAndGrad: (params: P, step: number) => { value: number; grad: P };
  params: P;
  optimizer: GradientTransformation<any>;
  steps: number;
  /** Called every `logEvery` steps and at the last step; return false to stop early. */
  onProgress?: (p: FitProgress) => void | boolean;
  /** Default: steps/10, at least 1. */
  logEvery?: number;
}

export interface FitResult<P extends Params> {
  params: P;
  /** The loss at each step taken, before that step's update. */
  losses: Float64Array;
  optimizerState: unknown;
}

/**
 * Take `steps` optimizer steps from `params`. Stops with a DdspError if the loss becomes
 * NaN or infinite (naming the step).
 * @example
 *   const { params, losses } = fit({ valueAndGrad: vg, params: p0, optimizer: adam({ learningRate: 0.05 }), steps: 500 });
 */
export function fit<P extends Params>(opts: FitOptions<P>): FitResult<P> {
  if (opts === undefined) fail('fit', 'opts must be { valueAndGrad, params, optimizer, steps }');
  const { valueAndGrad, optimizer, steps, onProgress } = readOptions(
    'fit', opts, optionKeys<FitOptions<P>>()('valueAndGrad', 'params', 'optimizer', 'steps', 'onProgress', 'logEvery'),
  );
  if (typeof valueAndGrad !== 'function') fail('fit', 'opts.valueAndGrad must be a function (params, step) => { value, grad }');
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.init !== 'function' || typeof optimizer.update !== 'function') {
    fail('fit', 'opts.optimizer must be a gradient transformation { init, update }, e.g. train.adam() or train.ddspOptimizer()');
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') fail('fit', `opts.onProgress must be a function (got ${onProgress === null ? 'null' : typeof onProgress})`);
  if (typeof opts.params !== 'object' || opts.params === null) fail('fit', 'opts.params must be a record of parameters');
  checkSize('fit', 'opts.steps', steps, 1);
  const logEvery = opts.logEvery ?? Math.max(1, Math.floor(steps / 10));
  checkInteger('fit', 'opts.logEvery', logEvery, 1);
  let params = opts.params;
  let state = optimizer.init(params);
  const losses = new Float64Array(steps);
  const t0 = performance.now();
  let taken = 0;
  for (let step = 0; step < steps; step++) {
    const { value, grad } = valueAndGrad(params, step);
    if (!Number.isFinite(value)) fail('fit', `loss is ${value} at step ${step}; lower the learning rate or check the inputs`);
    losses[step] = value;
    const [updates, next] = optimizer.update(grad, state, params);
    params = applyUpdates(params, updates);
    state = next;
    taken = step + 1;
    if (onProgress && (taken % logEvery === 0 || taken === steps)) {
      const secs = (performance.now() - t0) / 1000;
      const go = onProgress({ step: taken, steps, loss: value, stepsPerSecond: taken / Math.max(secs, 1e-6) });
      if (go === false) break;
    }
  }
  return { params, losses: losses.slice(0, taken), optimizerState: state };
}

/**
 * DDSP's training optimizer: global-norm clip at 3, then Adam at 3e-4 decaying by 0.98 every
 * 10k steps (continuous). Override any of the three numbers.
 */
export function ddspOptimizer(opts: { learningRate?: number; decaySteps?: number; decayRate?: number; clipNorm?: number } = {}) {
  const { learningRate = 3e-4, decaySteps = 10000, decayRate = 0.98, clipNorm = 3 } = readOptions('ddspOptimizer', opts, [
    'learningRate', 'decaySteps', 'decayRate', 'clipNorm',
  ]);
  checkPositive('ddspOptimizer', 'opts.learningRate', learningRate);
  checkInteger('ddspOptimizer', 'opts.decaySteps', decaySteps, 1);
  checkPositive('ddspOptimizer', 'opts.decayRate', decayRate);
  if (decayRate > 1) fail('ddspOptimizer', `opts.decayRate must be in (0, 1] (got ${decayRate}): the rate decays`);
  checkPositive('ddspOptimizer', 'opts.clipNorm', clipNorm);
  return compose(
    clipByGlobalNorm(clipNorm),
    adam({ learningRate: exponentialDecay({ initial: learningRate, decaySteps, decayRate }) }),
  );
}

/** A progress printer for {@link fit}: `step 100/1000  loss 1.234e-2  523 steps/s`. */
export function logProgress(write: (line: string) => void = (l) => console.log(l)) {
  if (typeof write !== 'function') fail('logProgress', `write must be a function (line) => void (got ${write === null ? 'null' : typeof write})`);
  return (p: FitProgress) => {
    const w = String(p.steps).length;
    const eta = (p as { etaSeconds?: number }).etaSeconds;
    const etaText = eta === undefined ? '' : `  ETA ${eta >= 3600 ? `${Math.floor(eta / 3600)}h${String(Math.floor((eta % 3600) / 60)).padStart(2, '0')}m` : eta >= 60 ? `${Math.floor(eta / 60)}m${String(Math.round(eta % 60)).padStart(2, '0')}s` : `${eta.toFixed(0)}s`}`;
    write(`step ${String(p.step).padStart(w)}/${p.steps}  loss ${p.loss.toExponential(4)}  ${p.stepsPerSecond >= 10 ? p.stepsPerSecond.toFixed(0) : p.stepsPerSecond.toFixed(2)} steps/s${etaText}`);
  };
}
