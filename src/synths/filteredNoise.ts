/**
 * DDSP's filtered-noise synthesizer: uniform noise in [−1, 1) through a time-varying
 * linear-phase FIR filter designed from magnitudes [F, B] (one response per block of
 * nSamples/F samples). The noise is seeded (bit-identical on every runtime) instead of
 * drawn anew on each call as in DDSP; vary `seed` to get fresh noise.
 */
import { checkInteger, fail } from '../core/errors.ts';
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

function readOpts(fn: string, opts: FilteredNoiseOptions) {
  if (opts === undefined || opts === null) fail(fn, 'opts.nSamples is required');
  const { nSamples, windowSize = 257, seed = 0, delayCompensation } = opts;
  checkInteger(fn, 'opts.nSamples', nSamples, 1);
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
  return frequencyFilter(noise, magnitudes, o);
}

/** VJP of {@link filteredNoise} with respect to the magnitudes. */
export function filteredNoiseVjp<M extends Signal>(gy: Float64Array, magnitudes: M, opts: FilteredNoiseOptions): M {
  const o = readOpts('filteredNoiseVjp', opts);
  checkFrames('filteredNoiseVjp', magnitudes, o.nSamples);
  const { noise } = uniformNoise(o.nSamples, o.seed);
  return frequencyFilterVjp(gy, noise, magnitudes, o).magnitudes;
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
  const o = readOpts('filteredNoiseStream', { ...opts, seed: state?.rng ?? 0 });
  if (state === undefined || !Number.isInteger(state.rng)) fail('filteredNoiseStream', 'state.rng must be an integer (the seed, for the first block)');
  checkFrames('filteredNoiseStream', magnitudes, o.nSamples);
  const { noise, state: rng } = uniformNoise(o.nSamples, state.rng);
  const ir = frequencyImpulseResponse(magnitudes, { windowSize: o.windowSize });
  const { audio, tail } = fftConvolveStream(noise, ir, state.tail);
  return { audio, state: { rng, tail } };
}
