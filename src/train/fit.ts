/** A small training loop over a value-and-gradient function and an optimizer. */
import { checkInteger, checkNumber, checkPositive, checkSize, fail, optionKeys, readOptions } from '../core/errors.ts';
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

/** The state of one run of fit/fitAsync: validated options, and one step at a time. */
function fitRun<P extends Params>(fn: string, opts: FitOptions<P>, extraKeys: string[] = []) {
  if (opts === undefined) fail(fn, 'opts must be { valueAndGrad, params, optimizer, steps }');
  const { valueAndGrad, optimizer, steps, onProgress } = readOptions(
    fn, opts, [...optionKeys<FitOptions<P>>()('valueAndGrad', 'params', 'optimizer', 'steps', 'onProgress', 'logEvery'), ...extraKeys],
  );
  if (typeof valueAndGrad !== 'function') fail(fn, 'opts.valueAndGrad must be a function (params, step) => { value, grad }');
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.init !== 'function' || typeof optimizer.update !== 'function') {
    fail(fn, 'opts.optimizer must be a gradient transformation { init, update }, e.g. train.adam() or train.ddspOptimizer()');
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') fail(fn, `opts.onProgress must be a function (got ${onProgress === null ? 'null' : typeof onProgress})`);
  if (typeof opts.params !== 'object' || opts.params === null) fail(fn, 'opts.params must be a record of parameters');
  checkSize(fn, 'opts.steps', steps, 1);
  const logEvery = opts.logEvery ?? Math.max(1, Math.floor(steps / 10));
  checkInteger(fn, 'opts.logEvery', logEvery, 1);
  let params = opts.params;
  let state = optimizer.init(params);
  const losses = new Float64Array(steps);
  const t0 = performance.now();
  let taken = 0;
  return {
    steps,
    valueAndGrad: valueAndGrad as (params: P, step: number) => { value: number; grad: P } | Promise<{ value: number; grad: P }>,
    get params() {
      return params;
    },
    /** Apply step `step`'s loss and gradient; false when onProgress asks to stop. */
    apply(step: number, { value, grad }: { value: number; grad: P }): boolean {
      if (!Number.isFinite(value)) fail(fn, `loss is ${value} at step ${step}; lower the learning rate or check the inputs`);
      losses[step] = value;
      const [updates, next] = optimizer.update(grad, state, params);
      params = applyUpdates(params, updates);
      state = next;
      taken = step + 1;
      if (onProgress && (taken % logEvery === 0 || taken === steps)) {
        const secs = (performance.now() - t0) / 1000;
        if (onProgress({ step: taken, steps, loss: value, stepsPerSecond: taken / Math.max(secs, 1e-6) }) === false) return false;
      }
      return true;
    },
    result(): FitResult<P> {
      return { params, losses: losses.slice(0, taken), optimizerState: state };
    },
  };
}

/**
 * Take `steps` optimizer steps from `params`. Stops with a DdspError if the loss becomes
 * NaN or infinite (naming the step). Synchronous: in a page or a server, use {@link fitAsync}.
 * @example
 *   const { params, losses } = fit({ valueAndGrad: vg, params: p0, optimizer: adam({ learningRate: 0.05 }), steps: 500 });
 */
export function fit<P extends Params>(opts: FitOptions<P>): FitResult<P> {
  const run = fitRun('fit', opts);
  for (let step = 0; step < run.steps; step++) {
    const r = run.valueAndGrad(run.params, step);
    if (r instanceof Promise) fail('fit', 'opts.valueAndGrad returned a promise; use train.fitAsync for asynchronous losses');
    if (!run.apply(step, r)) break;
  }
  return run.result();
}

export interface FitAsyncOptions<P extends Params> extends Omit<FitOptions<P>, 'valueAndGrad'> {
  /** Loss and gradient at params, or a promise of them (e.g. from worker threads). */
  valueAndGrad: (params: P, step: number) => { value: number; grad: P } | Promise<{ value: number; grad: P }>;
  /** Stops the run at the next step boundary; the result so far comes back with `aborted: true`. */
  signal?: AbortSignal;
  /** Yield to the event loop whenever this many milliseconds have passed since the last yield. Default 16 (a frame). */
  yieldMs?: number;
}

export interface FitAsyncResult<P extends Params> extends FitResult<P> {
  /** True when `signal` stopped the run before its last step. */
  aborted: boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * {@link fit} that keeps the event loop running: it yields every `yieldMs` (so a page stays
 * responsive and timers fire), accepts asynchronous losses, and stops when `signal` is aborted,
 * resolving with the parameters reached so far.
 * @example
 *   const ac = new AbortController();
 *   stopButton.onclick = () => ac.abort();
 *   const { params, aborted } = await train.fitAsync({ valueAndGrad: vg, params: p0, optimizer: train.adam(), steps: 5000, signal: ac.signal });
 */
export async function fitAsync<P extends Params>(opts: FitAsyncOptions<P>): Promise<FitAsyncResult<P>> {
  const fn = 'fitAsync';
  const run = fitRun(fn, opts as FitOptions<P>, ['signal', 'yieldMs']);
  const { signal, yieldMs = 16 } = opts;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) fail(fn, 'opts.signal must be an AbortSignal');
  checkNumber(fn, 'opts.yieldMs', yieldMs);
  if (!(yieldMs >= 0)) fail(fn, `opts.yieldMs must be >= 0 (got ${yieldMs})`);
  let last = performance.now();
  let aborted = false;
  for (let step = 0; step < run.steps; step++) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    const r = await run.valueAndGrad(run.params, step);
    if (!run.apply(step, r)) break;
    if (performance.now() - last >= yieldMs) {
      await yieldToEventLoop();
      last = performance.now();
    }
  }
  return { ...run.result(), aborted };
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
