/**
 * DDSP's reverbs. `reverb` convolves with a given (trainable) impulse response: IR[0] is forced
 * to 0 so the dry path stays separate, the convolution is causal (no delay compensation) and
 * cut to the input length, and the dry signal is added:
 *   y = (x ⊛ ir′)[0, N) + x,   ir′ = ir with ir′[0] = 0.
 * Long IRs go through FFT convolution. `expDecayIr` builds DDSP's ExpDecayReverb IR:
 *   ir[i] = gain·exp(−(2 + e^decay)·t_i)·u_i,   t = linspace(0, 1, L), u seeded uniform noise.
 */
import { checkBoolean, checkInteger, checkSize, fail, optionKeys, readOptions, within } from '../core/errors.ts';
import { readLayout, type Signal } from '../core/frames.ts';
import { filteredNoise, filteredNoiseVjp } from '../synths/filteredNoise.ts';
import { fftConvolve, fftConvolveVjp } from '../spectral/convolve.ts';
import { uniformNoise } from '../synths/noise.ts';

export interface ReverbOptions {
  /** Add the dry signal (default true). */
  addDry?: boolean;
}

const REVERB_KEYS = optionKeys<ReverbOptions>()('addDry');

function masked(fn: string, ir: unknown): Float64Array {
  const I = readLayout(fn, 'ir', ir);
  if (I.shaped && I.c !== 1) fail(fn, `ir must be one impulse response [L] (got shape [${I.n}, ${I.c}])`);
  if (I.data.length < 1) fail(fn, 'ir must have at least one tap');
  const m = I.data.slice();
  m[0] = 0;
  return m;
}

/**
 * @example reverb(audio, ir) // ir of 48000 taps at 16 kHz: 3 s of reverb, FFT-convolved
 */
export function reverb(audio: Float64Array, ir: Float64Array, opts: ReverbOptions = {}): Float64Array {
  const { addDry = true } = readOptions('reverb', opts, REVERB_KEYS);
  checkBoolean('reverb', 'opts.addDry', addDry);
  const x = readLayout('reverb', 'audio', audio).data;
  if (x.length < 1) fail('reverb', 'audio must have at least one sample (got 0)');
  const m = masked('reverb', ir);
  const wet = within('reverb', () => fftConvolve(x, m, { padding: 'same', delayCompensation: 0 }));
  if (addDry) for (let i = 0; i < wet.length; i++) wet[i] += x[i];
  return wet;
}

/** VJP of {@link reverb} with respect to the audio and the IR (īr[0] = 0). */
export function reverbVjp(gy: Float64Array, audio: Float64Array, ir: Float64Array, opts: ReverbOptions = {}): { audio: Float64Array; ir: Float64Array } {
  const { addDry = true } = readOptions('reverbVjp', opts, REVERB_KEYS);
  checkBoolean('reverbVjp', 'opts.addDry', addDry);
  const x = readLayout('reverbVjp', 'audio', audio).data;
  if (x.length < 1) fail('reverbVjp', 'audio must have at least one sample (got 0)');
  const m = masked('reverbVjp', ir);
  const g = within('reverbVjp', () => fftConvolveVjp(gy, x, m, { padding: 'same', delayCompensation: 0 }));
  if (addDry) for (let i = 0; i < x.length; i++) g.audio[i] += gy[i];
  const gir = g.ir as Float64Array;
  gir[0] = 0;
  return { audio: g.audio, ir: gir };
}

export interface ExpDecayOptions {
  /** IR length in samples. Default 48000 (3 s at 16 kHz). */
  irLength?: number;
  /** Noise seed. Default 0. */
  seed?: number;
}

function decayShape(fn: string, gain: Float64Array, decay: Float64Array, opts: ExpDecayOptions) {
  const g = readLayout(fn, 'gain', gain).data;
  const d = readLayout(fn, 'decay', decay).data;
  if (g.length !== 1 || d.length !== 1) fail(fn, 'gain and decay must be single values (length-1 arrays)');
  const { irLength = 48000, seed = 0 } = readOptions(fn, opts, optionKeys<ExpDecayOptions>()('irLength', 'seed'));
  checkSize(fn, 'opts.irLength', irLength, 2);
  checkInteger(fn, 'opts.seed', seed, -(2 ** 53));
  // rate = 2 + e^decay may be +Infinity (decay > 709): then only tap 0 (t = 0) survives.
  const rate = 2 + Math.exp(d[0]);
  const u = uniformNoise(irLength, seed).noise;
  const env = new Float64Array(irLength);
  env[0] = u[0];
  for (let i = 1; i < irLength; i++) env[i] = Math.exp((-rate * i) / (irLength - 1)) * u[i];
  return { g: g[0], rate, decay: d[0], env, u, irLength };
}

/** DDSP's ExpDecayReverb impulse response from (already scaled) gain and raw decay. */
export function expDecayIr(gain: Float64Array, decay: Float64Array, opts: ExpDecayOptions = {}): Float64Array {
  const { g, env } = decayShape('expDecayIr', gain, decay, opts);
  return env.map((v) => g * v);
}

/** VJP of {@link expDecayIr}: ḡain = Σ īr·e, d̄ecay = −Σ īr·g·e·t·e^decay. */
export function expDecayIrVjp(gIr: Float64Array, gain: Float64Array, decay: Float64Array, opts: ExpDecayOptions = {}): { gain: Float64Array; decay: Float64Array } {
  const { g, rate, decay: dv, env, u, irLength } = decayShape('expDecayIrVjp', gain, decay, opts);
  const gi = readLayout('expDecayIrVjp', 'gIr', gIr).data;
  if (gi.length !== irLength) fail('expDecayIrVjp', `gIr must have ${irLength} taps (got ${gi.length})`);
  let gg = 0;
  let gd = 0;
  for (let i = 0; i < irLength; i++) {
    gg += gi[i] * env[i];
    // ∂env/∂decay = −t·e^decay·env, with e^decay·e^(−rate·t) formed in one exp so that a large
    // decay gives 0 (not Infinity·0).
    const t = i / (irLength - 1);
    if (i > 0) gd -= gi[i] * g * u[i] * t * Math.exp(dv - rate * t);
  }
  return { gain: Float64Array.of(gg), decay: Float64Array.of(gd) };
}

export interface FilteredNoiseIrOptions {
  /** IR length in samples. Default 48000. */
  irLength?: number;
  /** Hann window of the FIR design. Default 257. */
  windowSize?: number;
  /** Noise seed. Default 0. */
  seed?: number;
}

/**
 * DDSP's FilteredNoiseReverb impulse response: filtered noise of irLength samples shaped by
 * frame-wise magnitudes [F, B] (already scaled; the node applies expSigmoid with bias −3).
 */
const NOISE_IR_KEYS = optionKeys<FilteredNoiseIrOptions>()('irLength', 'windowSize', 'seed');

export function filteredNoiseIr(magnitudes: Signal, opts: FilteredNoiseIrOptions = {}): Float64Array {
  const { irLength = 48000, windowSize = 257, seed = 0 } = readOptions('filteredNoiseIr', opts, NOISE_IR_KEYS);
  checkSize('filteredNoiseIr', 'opts.irLength', irLength, 1);
  return within('filteredNoiseIr', () => filteredNoise(magnitudes, { nSamples: irLength, windowSize, seed }));
}

/** VJP of {@link filteredNoiseIr} with respect to the magnitudes. */
export function filteredNoiseIrVjp<M extends Signal>(gIr: Float64Array, magnitudes: M, opts: FilteredNoiseIrOptions = {}): M {
  const { irLength = 48000, windowSize = 257, seed = 0 } = readOptions('filteredNoiseIrVjp', opts, NOISE_IR_KEYS);
  checkSize('filteredNoiseIrVjp', 'opts.irLength', irLength, 1);
  readLayout('filteredNoiseIrVjp', 'gIr', gIr);
  return within('filteredNoiseIrVjp', () => filteredNoiseVjp(gIr, magnitudes, { nSamples: irLength, windowSize, seed }));
}
