/**
 * Modulated fractional delay (DDSP ModDelay, as a plain variable delay line):
 *   y[n] = dry·x[n] + gain[n]·x(n − d[n]),   x(p) linearly interpolated, 0 before the start,
 * with d[n] the delay in samples. VJP with respect to the audio, the delay and the gain:
 *   x̄ gets gain·ȳ on the two taps, ḡain[n] = ȳ[n]·x(n − d[n]), d̄[n] = −ȳ[n]·gain[n]·(x[i+1] − x[i]).
 * Delays must lie in [0, maxDelay − 1]: DDSP reads from a circular buffer of maxDelay samples, so
 * a delay in (maxDelay − 1, maxDelay] blends the far tap with the *current* sample there (its
 * lookup wraps around), which is an artifact of the buffer, not a delay. Rather than copy it or
 * silently differ from it, such delays are rejected; raise maxDelay by one to allow them.
 *
 * The delay's derivative has a kink at every integer delay k (the interpolation switches
 * segments). The VJP takes the one-sided derivative from above, d → k⁺ (segment [i − 1, i]):
 * the only side that exists at d = 0, where d < 0 would read the future. Between integers it is
 * the ordinary derivative.
 * Presets give DDSP-style chorus, flanger and vibrato curves.
 */
import { checkBoolean, checkPositive, checkSize, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';

export interface ModDelayOptions {
  /** Add the dry signal (default true). */
  addDry?: boolean;
  /** Delay buffer length in samples (DDSP's max_length); delays must be ≤ maxDelay − 1. Default: the signal length. */
  maxDelay?: number;
}
const MOD_DELAY_KEYS = optionKeys<ModDelayOptions>()('addDry', 'maxDelay');

function setup(fn: string, audio: unknown, delay: unknown, gain: unknown, opts: ModDelayOptions) {
  const o = readOptions(fn, opts, MOD_DELAY_KEYS);
  const x = readLayout(fn, 'audio', audio).data;
  if (x.length < 1) fail(fn, 'audio must have at least one sample (got 0)');
  const d = readLayout(fn, 'delay', delay).data;
  const g = readLayout(fn, 'gain', gain).data;
  if (d.length !== x.length || g.length !== x.length) {
    fail(fn, `delay and gain need one value per sample (${x.length}); got ${d.length} and ${g.length}`);
  }
  const { addDry = true, maxDelay = x.length } = o;
  checkBoolean(fn, 'opts.addDry', addDry);
  checkPositive(fn, 'opts.maxDelay', maxDelay);
  const limit = maxDelay - 1;
  for (let n = 0; n < d.length; n++) {
    if (d[n] < 0) fail(fn, `delay[${n}] is ${d[n]}; delays must be >= 0 samples`);
    if (d[n] > limit) {
      fail(fn, `delay[${n}] is ${d[n]} samples; delays must be at most opts.maxDelay − 1 = ${limit} (DDSP's delay buffer wraps around beyond that)`);
    }
  }
  return { x, d, g, addDry };
}

/**
 * @example modDelay(audio, new Float64Array(n).fill(3), new Float64Array(n).fill(1), { addDry: false }) // x shifted by 3
 */
export function modDelay(audio: Float64Array, delay: Float64Array, gain: Float64Array, opts: ModDelayOptions = {}): Float64Array {
  const { x, d, g, addDry } = setup('modDelay', audio, delay, gain, opts);
  const y = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) {
    const p = n - d[n];
    const i = Math.floor(p);
    const r = p - i;
    const a = i >= 0 ? x[i] : 0;
    const b = i + 1 >= 0 && i + 1 <= n ? x[i + 1] : 0;
    y[n] = g[n] * (a + r * (b - a)) + (addDry ? x[n] : 0);
  }
  return y;
}

/** VJP of {@link modDelay}. */
export function modDelayVjp(gy: Float64Array, audio: Float64Array, delay: Float64Array, gain: Float64Array, opts: ModDelayOptions = {}): { audio: Float64Array; delay: Float64Array; gain: Float64Array } {
  const { x, d, g, addDry } = setup('modDelayVjp', audio, delay, gain, opts);
  const gs = readLayout('modDelayVjp', 'gy', gy).data;
  if (gs.length !== x.length) fail('modDelayVjp', `gy must have ${x.length} samples`);
  const gx = new Float64Array(x.length);
  const gd = new Float64Array(x.length);
  const gg = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) {
    const p = n - d[n];
    const i = Math.floor(p);
    const r = p - i;
    const hasA = i >= 0;
    const hasB = i + 1 >= 0 && i + 1 <= n;
    const a = hasA ? x[i] : 0;
    const b = hasB ? x[i + 1] : 0;
    gg[n] = gs[n] * (a + r * (b - a));
    // At an integer delay (r = 0) take the derivative from above, d → k⁺: the slope of [i − 1, i].
    const slope = r === 0 ? a - (i >= 1 ? x[i - 1] : 0) : b - a;
    gd[n] = -gs[n] * g[n] * slope;
    if (hasA) gx[i] += gs[n] * g[n] * (1 - r);
    if (hasB) gx[i + 1] += gs[n] * g[n] * r;
    if (addDry) gx[n] += gs[n];
  }
  return { audio: gx, delay: gd, gain: gg };
}

export type ModDelayPreset = 'chorus' | 'flanger' | 'vibrato';

/**
 * A delay curve (in samples) and settings for a classic modulation effect, with a sine LFO:
 * chorus 15–25 ms at 0.8 Hz (DDSP's ModDelay range), flanger 1–5 ms at 0.25 Hz, vibrato
 * 2–6 ms at 5 Hz with no dry signal.
 */
export function modDelayPreset(kind: ModDelayPreset, nSamples: number, sampleRate = 16000): { delay: Float64Array; gain: Float64Array; addDry: boolean } {
  const presets = { chorus: [15, 10, 0.8, true, 0.7], flanger: [1, 4, 0.25, true, 0.7], vibrato: [2, 4, 5, false, 1] };
  checkSize('modDelayPreset', 'nSamples', nSamples, 0);
  checkPositive('modDelayPreset', 'sampleRate', sampleRate);
  const p = Object.hasOwn(presets, kind as string) ? presets[kind] : undefined;
  if (p === undefined) fail('modDelayPreset', `kind must be 'chorus', 'flanger' or 'vibrato' (got ${JSON.stringify(kind)})`);
  const [centerMs, depthMs, rate, addDry, g] = p as [number, number, number, boolean, number];
  const delay = Float64Array.from({ length: nSamples }, (_, n) => ((centerMs + depthMs * (0.5 + 0.5 * Math.sin((2 * Math.PI * rate * n) / sampleRate))) * sampleRate) / 1000);
  return { delay, gain: new Float64Array(nSamples).fill(g), addDry };
}
