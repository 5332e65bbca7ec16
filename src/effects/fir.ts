/**
 * FIR effects: DDSP's FIRFilter (time-varying linear-phase filter from magnitudes), a windowed-
 * sinc low/high-pass, and a constant-power mix.
 */
import { checkBoolean, checkPositive, checkSize, fail, optionKeys, readOptions, within } from '../core/errors.ts';
import { readLayout, type Signal } from '../core/frames.ts';
import { fftConvolve, fftConvolveVjp } from '../spectral/convolve.ts';
import { frequencyFilter, frequencyFilterVjp } from '../spectral/frequencyFilter.ts';

/**
 * DDSP's FIRFilter signal step: frequencyFilter with a 257-sample window by default
 * (magnitudes already scaled; the DDSP processor applies expSigmoid first).
 * @example firFilter(audio, frames(mags, 250, 65))
 */
export function firFilter(audio: Float64Array, magnitudes: Signal, opts: { windowSize?: number } = {}): Float64Array {
  const { windowSize = 257 } = readOptions('firFilter', opts, ['windowSize']);
  return within('firFilter', () => frequencyFilter(audio, magnitudes, { windowSize }));
}

/** VJP of {@link firFilter} with respect to the audio and the magnitudes. */
export function firFilterVjp<M extends Signal>(gy: Float64Array, audio: Float64Array, magnitudes: M, opts: { windowSize?: number } = {}): { audio: Float64Array; magnitudes: M } {
  const { windowSize = 257 } = readOptions('firFilterVjp', opts, ['windowSize']);
  return within('firFilterVjp', () => frequencyFilterVjp(gy, audio, magnitudes, { windowSize }));
}

export interface SincOptions {
  /** Window length (the IR has 2·⌊ws/2⌋ + 1 taps). Default 512. */
  windowSize?: number;
  /** High-pass (a delta minus the low-pass) instead of low-pass. Default false. */
  highPass?: boolean;
}

/**
 * Windowed-sinc IR (DDSP sinc_impulse_response): h[i] = sinc(c·i)·hamming, i = −h…h, normalised
 * to unit DC gain; c = cutoff as a fraction of Nyquist. High-pass = δ − low-pass.
 */
const SINC_KEYS = optionKeys<SincOptions>()('windowSize', 'highPass');

export function sincImpulseResponse(cutoff: number, opts: SincOptions = {}): Float64Array {
  return sincIr('sincImpulseResponse', cutoff, opts);
}

function sincIr(fn: string, cutoff: number, opts: SincOptions): Float64Array {
  const { windowSize = 512, highPass = false } = readOptions(fn, opts, SINC_KEYS);
  checkPositive(fn, 'cutoff', cutoff);
  if (!(cutoff <= 1)) fail(fn, `cutoff is a fraction of Nyquist and must be in (0, 1] (got ${cutoff})`);
  checkSize(fn, 'opts.windowSize', windowSize, 2);
  if (windowSize > 2 ** 24) fail(fn, `opts.windowSize ${windowSize} is larger than the 2^24 supported`);
  checkBoolean(fn, 'opts.highPass', highPass);
  const half = Math.floor(windowSize / 2);
  const full = 2 * half + 1;
  const ir = new Float64Array(full);
  let sum = 0;
  for (let j = 0; j < full; j++) {
    const i = j - half;
    const x = Math.PI * cutoff * i;
    const sinc = i === 0 ? 1 : Math.sin(x) / x;
    ir[j] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * j) / (full - 1)));
    sum += ir[j];
  }
  for (let j = 0; j < full; j++) ir[j] /= sum;
  if (highPass) {
    for (let j = 0; j < full; j++) ir[j] = -ir[j];
    ir[half] += 1;
  }
  return ir;
}

/**
 * Low- or high-pass a signal with a windowed sinc, aligned on the IR's centre tap (DDSP's
 * automatic compensation is one sample earlier for these odd-length IRs).
 * VJP (audio): the correlation with the same IR.
 * @example sincFilter(audio, 0.25) // low-pass at a quarter of Nyquist
 */
export function sincFilter(audio: Float64Array, cutoff: number, opts: SincOptions = {}): Float64Array {
  const ir = sincIr('sincFilter', cutoff, opts);
  return within('sincFilter', () => fftConvolve(audio, ir, { padding: 'same', delayCompensation: (ir.length - 1) / 2 }));
}

/** VJP of {@link sincFilter} with respect to the audio (the cutoff is a setting). */
export function sincFilterVjp(gy: Float64Array, audio: Float64Array, cutoff: number, opts: SincOptions = {}): Float64Array {
  const ir = sincIr('sincFilterVjp', cutoff, opts);
  return within('sincFilterVjp', () => fftConvolveVjp(gy, audio, ir, { padding: 'same', delayCompensation: (ir.length - 1) / 2 }).audio);
}

/**
 * Constant-power crossfade y = √m·a + √(1 − m)·b per sample, m ∈ [0, 1]. DDSP's Mix computes
 * √|m|·a + (1 − √|m − 1|)·b, where both gains rise with m (silent at m = 0); we use the
 * crossfade its docstring describes. VJP in a, b and m (m strictly inside (0, 1)).
 */
export function mix(a: Float64Array, b: Float64Array, m: Float64Array): Float64Array {
  const { x, y, w } = readMix('mix', a, b, m);
  return x.map((v, i) => Math.sqrt(w[i]) * v + Math.sqrt(1 - w[i]) * y[i]);
}

function readMix(fn: string, a: unknown, b: unknown, m: unknown) {
  const x = readLayout(fn, 'a', a).data;
  const y = readLayout(fn, 'b', b).data;
  const w = readLayout(fn, 'm', m).data;
  if (y.length !== x.length || w.length !== x.length) fail(fn, `a, b and m must have the same length (got ${x.length}, ${y.length} and ${w.length})`);
  for (let i = 0; i < w.length; i++) if (!(w[i] >= 0 && w[i] <= 1)) fail(fn, `m[${i}] is ${w[i]}; expected a mix level in [0, 1]`);
  return { x, y, w };
}

/** VJP of {@link mix}. */
export function mixVjp(gy: Float64Array, a: Float64Array, b: Float64Array, m: Float64Array): { a: Float64Array; b: Float64Array; m: Float64Array } {
  const { x, y, w } = readMix('mixVjp', a, b, m);
  const g = readLayout('mixVjp', 'gy', gy).data;
  if (g.length !== x.length) fail('mixVjp', `gy must have ${x.length} samples (got ${g.length})`);
  const ga = new Float64Array(x.length);
  const gb = new Float64Array(x.length);
  const gm = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const sa = Math.sqrt(w[i]);
    const sb = Math.sqrt(1 - w[i]);
    ga[i] = g[i] * sa;
    gb[i] = g[i] * sb;
    gm[i] = g[i] * ((sa > 0 ? x[i] / (2 * sa) : 0) - (sb > 0 ? y[i] / (2 * sb) : 0));
  }
  return { a: ga, b: gb, m: gm };
}
