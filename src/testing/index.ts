/**
 * `ddsp/testing`: what users need to property-test their own ops: fast-check arbitraries for
 * audio-shaped inputs, and the gradient checkers. Requires fast-check (a peer dependency).
 * @example
 *   import fc from 'fast-check';
 *   import { signal, checkVjp } from 'ddsp/testing';
 *   fc.assert(fc.property(signal({ maxLength: 512 }), (x) => checkVjp(myOp, myOpVjp, x).ok));
 */
import type * as FastCheck from 'fast-check';
import { checkNumber, checkPositive, checkSize, fail, readOptions } from '../core/errors.ts';
import { frames, type Frames } from '../core/frames.ts';

/** Lengths and counts for arbitraries: integers in [min, 2²⁰] with lo ≤ hi. */
function range(fn: string, lo: unknown, hi: unknown, loName: string, hiName: string, min = 0): void {
  checkSize(fn, loName, lo, min);
  checkSize(fn, hiName, hi, min);
  if ((lo as number) > (hi as number)) fail(fn, `${loName} (${lo}) must not exceed ${hiName} (${hi})`);
  if ((hi as number) > 2 ** 20) fail(fn, `${hiName} must be at most 2^20 (got ${hi})`);
}

/**
 * fast-check is an optional peer dependency: without it this module says how to install it
 * instead of failing with a bare ERR_MODULE_NOT_FOUND.
 */
const fc: typeof FastCheck = await import('fast-check').then(
  (m) => ((m as unknown as { default?: typeof FastCheck }).default ?? m) as typeof FastCheck,
  (e: Error) => {
    throw new Error(`ddsp/testing needs the fast-check package, an optional peer dependency of ddsp: npm install --save-dev fast-check (${e.message})`);
  },
);

export { checkVjp, checkNodeVjp, checkAdjoint } from '../check/checkVjp.ts';
export type { CheckVjpOptions, VjpReport, CheckAdjointOptions, AdjointReport } from '../check/checkVjp.ts';
export { rng, normalArray } from '../check/rng.ts';

export interface SignalArbOptions {
  minLength?: number;
  maxLength?: number;
  /** Values lie in [−amplitude, amplitude]. Default 1. */
  amplitude?: number;
}

function doubles(min: number, max: number) {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Float64Array audio signals with values in [−amplitude, amplitude]. */
export function signal(opts: SignalArbOptions = {}): FastCheck.Arbitrary<Float64Array> {
  const fn = 'signal';
  const { minLength = 1, maxLength = 256, amplitude = 1 } = readOptions(fn, opts, ['minLength', 'maxLength', 'amplitude']);
  range(fn, minLength, maxLength, 'opts.minLength', 'opts.maxLength');
  checkPositive(fn, 'opts.amplitude', amplitude);
  if (amplitude > 1e300) fail(fn, `opts.amplitude must be at most 1e300 (got ${amplitude})`);
  return fc.array(doubles(-amplitude, amplitude), { minLength, maxLength }).map((a) => Float64Array.from(a));
}

/** Signals of exactly `length` samples. */
export function signalOfLength(length: number, amplitude = 1): FastCheck.Arbitrary<Float64Array> {
  checkSize('signalOfLength', 'length', length, 0);
  if (length > 2 ** 20) fail('signalOfLength', `length must be at most 2^20 (got ${length})`);
  checkPositive('signalOfLength', 'amplitude', amplitude);
  if (amplitude > 1e300) fail('signalOfLength', `amplitude must be at most 1e300 (got ${amplitude})`);
  return signal({ minLength: length, maxLength: length, amplitude });
}

export interface FrequencyArbOptions {
  sampleRate?: number;
  minLength?: number;
  maxLength?: number;
  /** Lowest frequency. Default 20 Hz. */
  minHz?: number;
  /** Highest frequency as a fraction of Nyquist. Default 0.99. */
  maxFractionOfNyquist?: number;
}

/** Frequencies in Hz, strictly between minHz and Nyquist. */
export function frequenciesBelowNyquist(opts: FrequencyArbOptions = {}): FastCheck.Arbitrary<Float64Array> {
  const fn = 'frequenciesBelowNyquist';
  const { sampleRate = 16000, minLength = 1, maxLength = 64, minHz = 20, maxFractionOfNyquist = 0.99 } = readOptions(
    fn, opts, ['sampleRate', 'minLength', 'maxLength', 'minHz', 'maxFractionOfNyquist'],
  );
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  range(fn, minLength, maxLength, 'opts.minLength', 'opts.maxLength');
  checkNumber(fn, 'opts.minHz', minHz);
  checkPositive(fn, 'opts.maxFractionOfNyquist', maxFractionOfNyquist);
  const hi = (sampleRate / 2) * maxFractionOfNyquist;
  if (!(minHz >= 0 && minHz < hi && maxFractionOfNyquist <= 1)) fail(fn, `need 0 <= opts.minHz < maxFractionOfNyquist·Nyquist = ${hi} and maxFractionOfNyquist <= 1 (got ${minHz}, ${maxFractionOfNyquist})`);
  return fc.array(doubles(minHz, hi), { minLength, maxLength }).map((a) => Float64Array.from(a));
}

export interface AmplitudeArbOptions {
  minLength?: number;
  maxLength?: number;
  /** Default 1e-3. */
  min?: number;
  /** Default 1. */
  max?: number;
}

/** Strictly positive amplitudes. */
export function positiveAmplitudes(opts: AmplitudeArbOptions = {}): FastCheck.Arbitrary<Float64Array> {
  const fn = 'positiveAmplitudes';
  const { minLength = 1, maxLength = 64, min = 1e-3, max = 1 } = readOptions(fn, opts, ['minLength', 'maxLength', 'min', 'max']);
  range(fn, minLength, maxLength, 'opts.minLength', 'opts.maxLength');
  checkPositive(fn, 'opts.min', min);
  checkPositive(fn, 'opts.max', max);
  if (!(min <= max && max <= 1e300)) fail(fn, `need opts.min <= opts.max <= 1e300 (got ${min} and ${max})`);
  return fc.array(doubles(min, max), { minLength, maxLength }).map((a) => Float64Array.from(a));
}

/** Frame counts (integers). Default 1…1000. */
export function frameCounts(opts: { min?: number; max?: number } = {}): FastCheck.Arbitrary<number> {
  const { min = 1, max = 1000 } = readOptions('frameCounts', opts, ['min', 'max']);
  range('frameCounts', min, max, 'opts.min', 'opts.max');
  return fc.integer({ min, max });
}

/** The common audio sample rates. */
export function sampleRates(): FastCheck.Arbitrary<number> {
  return fc.constantFrom(8000, 16000, 22050, 24000, 32000, 44100, 48000);
}

/** Powers of two between min and max (defaults 32…4096). */
export function fftSizes(opts: { min?: number; max?: number } = {}): FastCheck.Arbitrary<number> {
  const { min = 32, max = 4096 } = readOptions('fftSizes', opts, ['min', 'max']);
  range('fftSizes', min, max, 'opts.min', 'opts.max', 1);
  const lo = Math.ceil(Math.log2(min));
  const hi = Math.floor(Math.log2(max));
  return fc.integer({ min: lo, max: hi }).map((e) => 2 ** e);
}

/** Frame-rate controls `[frames, channels]` as float64 ndarrays. */
export function controls(opts: { minFrames?: number; maxFrames?: number; channels?: number; amplitude?: number } = {}): FastCheck.Arbitrary<Frames> {
  const fn = 'controls';
  const { minFrames = 1, maxFrames = 32, channels = 1, amplitude = 1 } = readOptions(fn, opts, ['minFrames', 'maxFrames', 'channels', 'amplitude']);
  range(fn, minFrames, maxFrames, 'opts.minFrames', 'opts.maxFrames');
  checkSize(fn, 'opts.channels', channels, 1);
  if (maxFrames * channels > 2 ** 20) fail(fn, `opts.maxFrames × opts.channels must be at most 2^20 (got ${maxFrames * channels})`);
  checkPositive(fn, 'opts.amplitude', amplitude);
  if (amplitude > 1e300) fail(fn, `opts.amplitude must be at most 1e300 (got ${amplitude})`);
  return fc
    .integer({ min: minFrames, max: maxFrames })
    .chain((n) => fc.array(doubles(-amplitude, amplitude), { minLength: n * channels, maxLength: n * channels }))
    .map((a) => frames(Float64Array.from(a), a.length / channels, channels));
}
