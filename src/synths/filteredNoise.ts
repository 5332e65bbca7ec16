/**
 * DDSP's filtered-noise synthesizer: uniform noise in [−1, 1) through a time-varying
 * linear-phase FIR filter designed from magnitudes [F, B] (one response per block of
 * nSamples/F samples). The noise is seeded (bit-identical on every runtime) instead of
 * drawn anew on each call as in DDSP; vary `seed` to get fresh noise.
 */
import { checkInteger, checkSize, fail, optionKeys, readOptions, within } from '../core/errors.ts';
import { readLayout, type Signal } from '../core/frames.ts';
import { checkBlocks, fftConvolveStream } from '../spectral/convolve.ts';
import { frequencyImpulseResponse } from '../spectral/firDesign.ts';
import { frequencyFilter, frequencyFilterVjp } from '../spectral/frequencyFilter.ts';
import { uniformNoise } from './noise.ts';

export interface FilteredNoiseOptions {
  /** Output length; must split into one block per magnitude frame. Required. */
  nSamples: number;
  /** Hann window of the FIR design (DDSP default 257; ≥ the IR length means the whole IR). */
  windowSize?: number;
  /** Noise seed. Default 0. */
  seed?: number;
  /** Samples cropped from the start (default: the filter's zero-lag tap, see frequencyFilter). */
  delayCompensation?: number;
}

function checkFrames(fn: string, magnitudes: unknown, nSamples: number): void {
  const M = readLayout(fn, 'magnitudes', magnitudes);
  checkBlocks(fn, nSamples, M.shaped ? M.n : 1);
}

/** The keys of {@link FilteredNoiseOptions}. */
export const NOISE_KEYS = optionKeys<FilteredNoiseOptions>()('nSamples', 'windowSize', 'seed', 'delayCompensation');

function readOpts(fn: string, opts: FilteredNoiseOptions, keys: readonly string[] = NOISE_KEYS) {
  if (opts === undefined) fail(fn, 'opts.nSamples is required');
  const { nSamples, windowSize = 257, seed = 0, delayCompensation } = readOptions(fn, opts, keys);
  checkSize(fn, 'opts.nSamples', nSamples, 1);
  checkInteger(fn, 'opts.windowSize', windowSize, -Infinity);
  checkInteger(fn, 'opts.seed', seed, -(2 ** 53));
  if (delayCompensation !== undefined) checkInteger(fn, 'opts.delayCompensation', delayCompensation, 0);
  return { nSamples, windowSize, seed, delayCompensation };
}

/**
 * Filtered noise: y = frequencyFilter(uniformNoise(nSamples, seed), magnitudes).
 * Linear in the magnitudes; VJP via frequencyFilterVjp.
 * @example filteredNoise(frames(new Float64Array(250 * 65).fill(0.1), 250, 65), { nSamples: 16000 })
 */
export function filteredNoise(magnitudes: Signal, opts: FilteredNoiseOptions): Float64Array {
  const o = readOpts('filteredNoise', opts);
  checkFrames('filteredNoise', magnitudes, o.nSamples);
  const { noise } = uniformNoise(o.nSamples, o.seed);
  const { windowSize, delayCompensation } = o;
  return within('filteredNoise', () => frequencyFilter(noise, magnitudes, { windowSize, delayCompensation }));
}

/** VJP of {@link filteredNoise} with respect to the magnitudes. */
export function filteredNoiseVjp<M extends Signal>(gy: Float64Array, magnitudes: M, opts: FilteredNoiseOptions): M {
  const o = readOpts('filteredNoiseVjp', opts);
  checkFrames('filteredNoiseVjp', magnitudes, o.nSamples);
  const { noise } = uniformNoise(o.nSamples, o.seed);
  const { windowSize, delayCompensation } = o;
  return within('filteredNoiseVjp', () => frequencyFilterVjp(gy, noise, magnitudes, { windowSize, delayCompensation, wrt: 'magnitudes' }).magnitudes);
}

export interface FilteredNoiseState {
  /** Noise generator state (the seed for the first block). */
  rng: number;
  /** Convolution tail carried into the next block. */
  tail?: Float64Array;
}

/**
 * One block of causal filtered noise (delay compensation 0), carrying the noise generator and
 * the filter tail: consecutive blocks, each of whole frames with the same samples per frame,
 * equal the one-shot `filteredNoise(all, { delayCompensation: 0, seed })`.
 */
export function filteredNoiseStream(
  magnitudes: Signal,
  opts: { nSamples: number; windowSize?: number },
  state: FilteredNoiseState,
): { audio: Float64Array; state: FilteredNoiseState } {
  const fn = 'filteredNoiseStream';
  const o = readOpts(fn, opts as FilteredNoiseOptions, ['nSamples', 'windowSize']);
  if (typeof state !== 'object' || state === null || !Number.isInteger(state.rng)) fail(fn, 'state.rng must be an integer (the seed, for the first block)');
  checkFrames(fn, magnitudes, o.nSamples);
  const { noise, state: rng } = uniformNoise(o.nSamples, state.rng);
  return within(fn, () => {
    const ir = frequencyImpulseResponse(magnitudes, { windowSize: o.windowSize });
    const { audio, tail } = fftConvolveStream(noise, ir, state.tail);
    return { audio, state: { rng, tail } };
  });
}
