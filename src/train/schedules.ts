/** Learning-rate schedules: functions from the step count (0-based) to a rate. */
import { checkBoolean, checkInteger, checkPositive, fail, readOptions } from '../core/errors.ts';

export type Schedule = (step: number) => number;

export interface ExponentialDecayOptions {
  /** Rate at step 0. */
  initial: number;
  /** Steps over which the rate is multiplied by decayRate. */
  decaySteps: number;
  /** Factor per decaySteps (0 < r ≤ 1 to decay). */
  decayRate: number;
  /** Decay in whole steps of decaySteps (default false: continuous, as DDSP). */
  staircase?: boolean;
}

/**
 * lr(step) = initial · decayRate^(step/decaySteps) (floored exponent if `staircase`).
 * DDSP trains with exponentialDecay({ initial: 3e-4, decaySteps: 10000, decayRate: 0.98 }).
 * @example exponentialDecay({ initial: 1, decaySteps: 10, decayRate: 0.5 })(20) // 0.25
 */
export function exponentialDecay(opts: ExponentialDecayOptions): Schedule {
  const { initial, decaySteps, decayRate, staircase = false } = readOptions(
    'exponentialDecay', opts ?? ({} as ExponentialDecayOptions), ['initial', 'decaySteps', 'decayRate', 'staircase'],
  );
  checkPositive('exponentialDecay', 'opts.initial', initial);
  checkInteger('exponentialDecay', 'opts.decaySteps', decaySteps, 1);
  checkPositive('exponentialDecay', 'opts.decayRate', decayRate);
  if (decayRate > 1) fail('exponentialDecay', `opts.decayRate must be in (0, 1] (got ${decayRate}): the rate decays`);
  checkBoolean('exponentialDecay', 'opts.staircase', staircase);
  return (step) => {
    const e = step / decaySteps;
    return initial * Math.pow(decayRate, staircase ? Math.floor(e) : e);
  };
}

/** A constant rate as a schedule. */
export function constantSchedule(rate: number): Schedule {
  checkPositive('constantSchedule', 'rate', rate);
  return () => rate;
}
