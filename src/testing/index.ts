/**
 * `ddsp/testing`: what users need to property-test their own ops: fast-check arbitraries for
 * audio-shaped inputs, and the gradient checkers. Requires fast-check (a peer dependency).
 * @example
 *   import fc from 'fast-check';
 *   import { signal, checkVjp } from 'ddsp/testing';
 *   fc.assert(fc.property(signal({ maxLength: 512 }), (x) => checkVjp(myOp, myOpVjp, x).ok));
 */
import fc from 'fast-check';
import { frames, type Frames } from '../core/frames.ts';

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
export function signal(opts: SignalArbOptions = {}): fc.Arbitrary<Float64Array> {
  const { minLength = 1, maxLength = 256, amplitude = 1 } = opts;
  return fc.array(doubles(-amplitude, amplitude), { minLength, maxLength }).map((a) => Float64Array.from(a));
}

/** Signals of exactly `length` samples. */
export function signalOfLength(length: number, amplitude = 1): fc.Arbitrary<Float64Array> {
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
export function frequenciesBelowNyquist(opts: FrequencyArbOptions = {}): fc.Arbitrary<Float64Array> {
  const { sampleRate = 16000, minLength = 1, maxLength = 64, minHz = 20, maxFractionOfNyquist = 0.99 } = opts;
  const hi = (sampleRate / 2) * maxFractionOfNyquist;
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
export function positiveAmplitudes(opts: AmplitudeArbOptions = {}): fc.Arbitrary<Float64Array> {
  const { minLength = 1, maxLength = 64, min = 1e-3, max = 1 } = opts;
  return fc.array(doubles(min, max), { minLength, maxLength }).map((a) => Float64Array.from(a));
}

/** Frame counts (integers). Default 1…1000. */
export function frameCounts(opts: { min?: number; max?: number } = {}): fc.Arbitrary<number> {
  const { min = 1, max = 1000 } = opts;
  return fc.integer({ min, max });
}

/** The common audio sample rates. */
export function sampleRates(): fc.Arbitrary<number> {
  return fc.constantFrom(8000, 16000, 22050, 24000, 32000, 44100, 48000);
}

/** Powers of two between min and max (defaults 32…4096). */
export function fftSizes(opts: { min?: number; max?: number } = {}): fc.Arbitrary<number> {
  const { min = 32, max = 4096 } = opts;
  const lo = Math.ceil(Math.log2(min));
  const hi = Math.floor(Math.log2(max));
  return fc.integer({ min: lo, max: hi }).map((e) => 2 ** e);
}

/** Frame-rate controls `[frames, channels]` as float64 ndarrays. */
export function controls(opts: { minFrames?: number; maxFrames?: number; channels?: number; amplitude?: number } = {}): fc.Arbitrary<Frames> {
  const { minFrames = 1, maxFrames = 32, channels = 1, amplitude = 1 } = opts;
  return fc
    .integer({ min: minFrames, max: maxFrames })
    .chain((n) => fc.array(doubles(-amplitude, amplitude), { minLength: n * channels, maxLength: n * channels }))
    .map((a) => frames(Float64Array.from(a), a.length / channels, channels));
}
