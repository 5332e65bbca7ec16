/**
 * Linear-phase time-varying FIR filtering (DDSP `frequency_filter`): IRs designed from
 * magnitudes by {@link frequencyImpulseResponse}, applied block-wise by {@link fftConvolve}.
 *
 * Delay: by default the output is aligned on the IR's actual zero-lag tap, so unit magnitudes
 * give back the input exactly. DDSP's automatic compensation, (L − 1)//2 − 1, agrees when the
 * window is shorter than the IR but crops 2 samples early when it is not (e.g. 65 bands and
 * window 257); pass `delayCompensation` to reproduce DDSP's alignment bit for bit.
 */
import { checkInteger, checkOneOf, fail, optionKeys, readOptions, within } from '../core/errors.ts';
import { readLayout, type Signal } from '../core/frames.ts';
import { checkBlocks, fftConvolve, fftConvolveVjp, type FftConvolveOptions } from './convolve.ts';
import { firLayout, frequencyImpulseResponse, frequencyImpulseResponseVjp } from './firDesign.ts';

export interface FrequencyFilterOptions {
  /** Hann window length of the IR design (≤ 0: the whole IR). Default 0. */
  windowSize?: number;
  /** 'same' (default) or 'valid'. */
  padding?: 'same' | 'valid';
  /** Samples cropped from the start. Default: the IR's zero-lag tap. */
  delayCompensation?: number;
}

const FF_KEYS = optionKeys<FrequencyFilterOptions>()('windowSize', 'padding', 'delayCompensation');

function convolveOptions(fn: string, audio: unknown, magnitudes: Signal, opts: FrequencyFilterOptions): FftConvolveOptions {
  const { windowSize = 0, padding = 'same', delayCompensation } = readOptions(fn, opts, FF_KEYS);
  checkInteger(fn, 'opts.windowSize', windowSize, -Infinity);
  if (delayCompensation !== undefined) {
    checkInteger(fn, 'opts.delayCompensation', delayCompensation, 0);
    if (delayCompensation > 2 ** 30) fail(fn, `opts.delayCompensation ${delayCompensation} is beyond any signal this library handles`);
  }
  const nSamples = readLayout(fn, 'audio', audio).n;
  if (nSamples < 1) fail(fn, 'audio must have at least one sample');
  const M = readLayout(fn, 'magnitudes', magnitudes);
  const bands = M.shaped ? M.c : M.n;
  if (bands < 2) fail(fn, `magnitudes need at least 2 frequency bands (got ${bands})`);
  checkBlocks(fn, nSamples, M.shaped ? M.n : 1);
  return { padding, delayCompensation: delayCompensation ?? firLayout(bands, windowSize, fn).zeroLag };
}

/**
 * Filter `audio` by magnitude responses [F, B] (one per block) or one response [B].
 * @example frequencyFilter(audio, new Float64Array(65).fill(1)) // ≡ audio
 */
export function frequencyFilter(audio: Float64Array, magnitudes: Signal, opts: FrequencyFilterOptions = {}): Float64Array {
  const co = convolveOptions('frequencyFilter', audio, magnitudes, opts);
  return within('frequencyFilter', () => fftConvolve(audio, frequencyImpulseResponse(magnitudes, { windowSize: opts?.windowSize ?? 0 }), co));
}

/** Options of {@link frequencyFilterVjp}: the forward's, and which gradients to compute. */
export interface FrequencyFilterVjpOptions extends FrequencyFilterOptions {
  /** 'both' (default), 'audio' or 'magnitudes': a gradient not asked for is not computed. */
  wrt?: 'both' | 'audio' | 'magnitudes';
}

const FF_VJP_KEYS = [...FF_KEYS, 'wrt'];

export interface FrequencyFilterGrads<M extends Signal = Signal> {
  audio: Float64Array;
  magnitudes: M;
}

/** VJP of {@link frequencyFilter} with respect to the audio and the magnitudes, or only the one named by `opts.wrt`. */
export function frequencyFilterVjp<M extends Signal>(gy: Float64Array, audio: Float64Array, magnitudes: M, opts?: FrequencyFilterVjpOptions & { wrt?: 'both' }): FrequencyFilterGrads<M>;
export function frequencyFilterVjp<M extends Signal>(gy: Float64Array, audio: Float64Array, magnitudes: M, opts: FrequencyFilterVjpOptions & { wrt: 'audio' }): Pick<FrequencyFilterGrads<M>, 'audio'>;
export function frequencyFilterVjp<M extends Signal>(gy: Float64Array, audio: Float64Array, magnitudes: M, opts: FrequencyFilterVjpOptions & { wrt: 'magnitudes' }): Pick<FrequencyFilterGrads<M>, 'magnitudes'>;
export function frequencyFilterVjp<M extends Signal>(gy: Float64Array, audio: Float64Array, magnitudes: M, opts?: FrequencyFilterVjpOptions): Partial<FrequencyFilterGrads<M>>;
export function frequencyFilterVjp<M extends Signal>(
  gy: Float64Array,
  audio: Float64Array,
  magnitudes: M,
  opts: FrequencyFilterVjpOptions = {},
): Partial<FrequencyFilterGrads<M>> {
  const fn = 'frequencyFilterVjp';
  const { wrt = 'both', ...rest } = readOptions(fn, opts, FF_VJP_KEYS);
  checkOneOf(fn, 'opts.wrt', wrt, ['both', 'audio', 'magnitudes'] as const);
  const co = convolveOptions(fn, audio, magnitudes, rest);
  const windowSize = rest.windowSize ?? 0;
  return within(fn, () => {
    const ir = frequencyImpulseResponse(magnitudes, { windowSize });
    const g = fftConvolveVjp(gy, audio, ir, { ...co, wrt: wrt === 'magnitudes' ? 'ir' : wrt });
    const out: Partial<FrequencyFilterGrads<M>> = {};
    if (g.audio) out.audio = g.audio;
    if (g.ir) out.magnitudes = frequencyImpulseResponseVjp(g.ir, magnitudes, { windowSize });
    return out;
  });
}
