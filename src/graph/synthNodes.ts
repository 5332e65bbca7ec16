/**
 * The synthesizers as graph Nodes, each split like DDSP's processors into a *controls* step
 * (scaling raw network outputs, Nyquist handling) and a *signal* step (controls → audio);
 * `harmonic(opts)` is `seq(harmonicControls(opts), harmonicSignal(opts))`, and so on.
 * DDSP's harmonic-plus-noise model is
 *   chain(fanout({ harmonic: seq(pick('harmonic'), harmonic(o)), noise: seq(pick('noise'), filteredNoise(o)) }), sum())
 */
import * as c from '../core/index.ts';
import type { Signal } from '../core/frames.ts';
import type { Cotangent, Tree } from '../core/tree.ts';
import { HARMONIC_KEYS, harmonicSynth, harmonicSynthVjp, normalizeHarmonics, normalizeHarmonicsVjp, type HarmonicSynthOptions } from '../synths/harmonic.ts';
import { NOISE_KEYS, filteredNoise as noiseSynth, filteredNoiseVjp, type FilteredNoiseOptions } from '../synths/filteredNoise.ts';
import { WAVETABLE_KEYS, wavetableSynth, wavetableSynthVjp, type WavetableSynthOptions } from '../synths/wavetable.ts';
import { SINUSOIDAL_KEYS, sinusoidalSynth, sinusoidalSynthVjp, type SinusoidalSynthOptions } from '../synths/sinusoidal.ts';
import { checkBoolean, checkInteger, checkNumber, checkOneOf, checkPositive, checkSize, fail, readOptions } from '../core/errors.ts';
import { primitive, type Node } from './node.ts';
import { seq } from './combinators.ts';
import { guardNode } from './guard.ts';

type Rec = Record<string, Signal>;

function field(fn: string, x: Tree, key: string): Signal {
  const v = (x as Rec)?.[key];
  if (v === undefined) fail(fn, `input must be a record with '${key}' (got keys: ${x && typeof x === 'object' ? Object.keys(x).join(', ') : typeof x})`);
  return v;
}

/** The controls' scale function: DDSP's expSigmoid (default) or none. */
export type ScaleFn = 'expSigmoid' | 'none';

/**
 * A node factory's options, checked when the node is built: a plain object with only `keys`
 * (nSamples required when `needsLength`), and the subset of keys the underlying synth takes.
 */
function nodeOptions<T extends object>(fn: string, opts: T, keys: readonly string[], synthKeys: readonly string[], needsLength = true): T {
  if (opts === undefined && needsLength) fail(fn, 'opts.nSamples is required, e.g. ' + fn + '({ nSamples: 64000 })');
  const o = readOptions(fn, opts, keys) as Record<string, unknown>;
  if (needsLength || o.nSamples !== undefined) checkSize(fn, 'opts.nSamples', o.nSamples, 1);
  if (o.sampleRate !== undefined) checkPositive(fn, 'opts.sampleRate', o.sampleRate);
  if (o.ampResample !== undefined) checkOneOf(fn, 'opts.ampResample', o.ampResample, ['window', 'linear'] as const);
  if (o.addEndpoint !== undefined) checkBoolean(fn, 'opts.addEndpoint', o.addEndpoint);
  if (o.windowSize !== undefined) checkInteger(fn, 'opts.windowSize', o.windowSize, -(2 ** 30));
  if (o.seed !== undefined) checkInteger(fn, 'opts.seed', o.seed, -(2 ** 53));
  if (o.delayCompensation !== undefined) checkSize(fn, 'opts.delayCompensation', o.delayCompensation, 0);
  if (typeof o.initialPhase === 'number') checkNumber(fn, 'opts.initialPhase', o.initialPhase);
  if (o.scaleFn !== undefined) checkOneOf(fn, 'opts.scaleFn', o.scaleFn, ['expSigmoid', 'none'] as const);
  const sub: Record<string, unknown> = {};
  for (const k of synthKeys) if (o[k] !== undefined) sub[k] = o[k];
  return sub as T;
}

const named = guardNode;

function scaler(scale: ScaleFn, opts: c.ExpSigmoidOptions = {}) {
  return scale === 'expSigmoid'
    ? { f: (x: Signal) => c.expSigmoid(x, opts), v: (g: Signal, x: Signal) => c.expSigmoidVjp(g, x, opts) }
    : { f: (x: Signal) => x, v: (g: Signal) => g };
}

export interface HarmonicNodeOptions extends HarmonicSynthOptions {
  /** Applied to amplitudes and distribution. Default 'expSigmoid'. */
  scaleFn?: ScaleFn;
  /** Remove harmonics above Nyquist and renormalise (default true). */
  normalizeBelowNyquist?: boolean;
}

/**
 * Controls of the harmonic synth: { amplitudes [F], harmonicDistribution [F, K], f0Hz [F] } raw →
 * { amplitude, distribution, f0Hz } with amplitude = scale(amplitudes) and distribution =
 * normalizeHarmonics(scale(harmonicDistribution), f0Hz, sampleRate).
 */
export function harmonicControls(opts: HarmonicNodeOptions): Node {
  return harmonicControlsOf('harmonicControls', opts);
}

const HARMONIC_NODE_KEYS = [...HARMONIC_KEYS, 'scaleFn', 'normalizeBelowNyquist'];

function harmonicControlsOf(fn: string, opts: HarmonicNodeOptions): Node {
  nodeOptions(fn, opts, HARMONIC_NODE_KEYS, HARMONIC_KEYS, false);
  const { scaleFn = 'expSigmoid', normalizeBelowNyquist = true, sampleRate = 16000 } = opts ?? {};
  checkBoolean(fn, 'opts.normalizeBelowNyquist', normalizeBelowNyquist);
  const s = scaler(scaleFn);
  const norm = normalizeBelowNyquist ? { sampleRate } : {};
  return named(fn, primitive({
    name: 'harmonicControls',
    forward: (x: Tree) => {
      const f0Hz = field(fn, x, 'f0Hz');
      return { amplitude: s.f(field(fn, x, 'amplitudes')), distribution: normalizeHarmonics(s.f(field(fn, x, 'harmonicDistribution')), f0Hz, norm), f0Hz };
    },
    vjp: (x: Tree) => {
      const amps = field(fn, x, 'amplitudes');
      const hd = field(fn, x, 'harmonicDistribution');
      const f0Hz = field(fn, x, 'f0Hz');
      const scaled = s.f(hd);
      const y = { amplitude: s.f(amps), distribution: normalizeHarmonics(scaled, f0Hz, norm), f0Hz };
      return [y, (gy: Tree): Cotangent => {
        const g = gy as Partial<Rec>;
        return {
          amplitudes: g.amplitude && s.v(g.amplitude, amps),
          harmonicDistribution: g.distribution && s.v(normalizeHarmonicsVjp(g.distribution, scaled, f0Hz, norm), hd),
          f0Hz: g.f0Hz,
        };
      }];
    },
  }));
}

/** Signal of the harmonic synth: { amplitude, distribution, f0Hz } → audio [nSamples]. */
export function harmonicSignal(opts: HarmonicSynthOptions): Node {
  return harmonicSignalOf('harmonicSignal', opts, HARMONIC_KEYS);
}

function harmonicSignalOf(fn: string, options: HarmonicSynthOptions, keys: readonly string[]): Node {
  const opts = nodeOptions(fn, options, keys, HARMONIC_KEYS);
  const args = (x: Tree) => [field(fn, x, 'amplitude'), field(fn, x, 'distribution'), field(fn, x, 'f0Hz')] as const;
  return named(fn, primitive({
    name: 'harmonicSignal',
    forward: (x: Tree) => harmonicSynth(...args(x), opts).audio,
    vjp: (x: Tree) => {
      const [a, d, f] = args(x);
      return [harmonicSynth(a, d, f, opts).audio, (gy: Tree): Cotangent => {
        const r = harmonicSynthVjp(gy as Float64Array, a, d, f, opts);
        return { amplitude: r.amplitude, distribution: r.distribution, f0Hz: r.f0Hz };
      }];
    },
  }));
}

/**
 * DDSP's `Harmonic` processor: raw { amplitudes, harmonicDistribution, f0Hz } → audio.
 * @example harmonic({ nSamples: 64000, sampleRate: 16000 })
 */
/** The raw controls the harmonic node takes (DDSP's decoder outputs, before scaling). */
export type HarmonicInputs = {
  readonly amplitudes: Signal;
  readonly harmonicDistribution: Signal;
  readonly f0Hz: Signal;
};

export function harmonic(opts: HarmonicNodeOptions): Node<HarmonicInputs, Float64Array> {
  return seq(harmonicControlsOf('harmonic', opts), harmonicSignalOf('harmonic', opts, HARMONIC_NODE_KEYS)) as Node<HarmonicInputs, Float64Array>;
}

export interface FilteredNoiseNodeOptions extends FilteredNoiseOptions {
  /** Default 'expSigmoid'. */
  scaleFn?: ScaleFn;
  /** Added to the raw magnitudes before scaling (DDSP −5: ≈2e-5 at zero net input). */
  initialBias?: number;
}

/** Controls of filtered noise: raw magnitudes [F, B] → scale(magnitudes + initialBias). */
export function filteredNoiseControls(opts: FilteredNoiseNodeOptions): Node {
  return noiseControlsOf('filteredNoiseControls', opts);
}

const NOISE_NODE_KEYS = [...NOISE_KEYS, 'scaleFn', 'initialBias'];

function noiseControlsOf(fn: string, opts: FilteredNoiseNodeOptions): Node {
  nodeOptions(fn, opts, NOISE_NODE_KEYS, NOISE_KEYS, false);
  const { scaleFn = 'expSigmoid', initialBias = -5 } = opts ?? {};
  checkNumber(fn, 'opts.initialBias', initialBias);
  const s = scaler(scaleFn);
  const shift = (x: Signal) => {
    const L = c.readLayout(fn, 'magnitudes', x);
    const d = new Float64Array(L.data.length);
    for (let i = 0; i < d.length; i++) d[i] = L.data[i] + initialBias;
    return c.wrapLike<Signal>(L, d, L.n);
  };
  return named(fn, primitive({
    name: 'filteredNoiseControls',
    forward: (x: Tree) => s.f(shift(x as Signal)),
    vjp: (x: Tree) => {
      const z = shift(x as Signal);
      return [s.f(z), (gy: Tree) => s.v(gy as Signal, z)];
    },
  }));
}

/** Signal of filtered noise: magnitudes [F, B] → audio. */
export function filteredNoiseSignal(opts: FilteredNoiseOptions): Node {
  return noiseSignalOf('filteredNoiseSignal', opts, NOISE_KEYS);
}

function noiseSignalOf(fn: string, options: FilteredNoiseOptions, keys: readonly string[]): Node {
  const opts = nodeOptions(fn, options, keys, NOISE_KEYS);
  return named(fn, primitive({
    name: 'filteredNoiseSignal',
    forward: (x: Tree) => noiseSynth(x as Signal, opts),
    vjp: (x: Tree) => [noiseSynth(x as Signal, opts), (gy: Tree) => filteredNoiseVjp(gy as Float64Array, x as Signal, opts)],
  }));
}

/**
 * DDSP's `FilteredNoise` processor: raw magnitudes [F, B] → audio.
 * @example filteredNoise({ nSamples: 64000, windowSize: 257 })
 */
export function filteredNoise(opts: FilteredNoiseNodeOptions): Node<Signal, Float64Array> {
  return seq(noiseControlsOf('filteredNoise', opts), noiseSignalOf('filteredNoise', opts, NOISE_NODE_KEYS)) as Node<Signal, Float64Array>;
}

export interface WavetableNodeOptions extends WavetableSynthOptions {
  /** Applied to amplitudes, and to the wavetables when scaleWavetables (DDSP does both). */
  scaleFn?: ScaleFn;
  scaleWavetables?: boolean;
}

/**
 * DDSP's `Wavetable` processor: raw { amplitudes [F], wavetables [F, W] or [W], f0Hz [F] } → audio.
 */
export function wavetable(options: WavetableNodeOptions): Node {
  const fn = 'wavetable';
  const opts = nodeOptions(fn, options, [...WAVETABLE_KEYS, 'scaleFn', 'scaleWavetables'], WAVETABLE_KEYS);
  const { scaleFn = 'expSigmoid', scaleWavetables = true } = options;
  checkBoolean(fn, 'opts.scaleWavetables', scaleWavetables);
  const s = scaler(scaleFn);
  const st = scaleWavetables ? s : scaler('none');
  return named(fn, primitive({
    name: fn,
    forward: (x: Tree) => wavetableSynth(s.f(field(fn, x, 'amplitudes')), st.f(field(fn, x, 'wavetables')), field(fn, x, 'f0Hz'), opts).audio,
    vjp: (x: Tree) => {
      const ra = field(fn, x, 'amplitudes');
      const rt = field(fn, x, 'wavetables');
      const f0 = field(fn, x, 'f0Hz');
      const a = s.f(ra);
      const t = st.f(rt);
      return [wavetableSynth(a, t, f0, opts).audio, (gy: Tree): Cotangent => {
        const r = wavetableSynthVjp(gy as Float64Array, a, t, f0, opts);
        return { amplitudes: s.v(r.amplitude, ra), wavetables: st.v(r.wavetables, rt), f0Hz: r.f0Hz };
      }];
    },
  }));
}

export interface SinusoidalNodeOptions extends SinusoidalSynthOptions {
  /** Applied to amplitudes. Default 'expSigmoid'. */
  scaleFn?: ScaleFn;
  /** 'sigmoid' (default, DDSP's frequencies_sigmoid: unitToHz(σ(x), hzMin, hzMax)) or 'none' (raw values are Hz). */
  frequencyScale?: 'sigmoid' | 'none';
  /** Range of 'sigmoid' frequencies. Defaults 0 and 8000 Hz, as DDSP. */
  hzMin?: number;
  hzMax?: number;
}

/** DDSP's `Sinusoidal` processor: raw { amplitudes [F, K], frequencies [F, K] } → audio. */
export function sinusoidal(options: SinusoidalNodeOptions): Node {
  const fn = 'sinusoidal';
  const opts = nodeOptions(fn, options, [...SINUSOIDAL_KEYS, 'scaleFn', 'frequencyScale', 'hzMin', 'hzMax'], SINUSOIDAL_KEYS);
  const { scaleFn = 'expSigmoid', frequencyScale = 'sigmoid', hzMin = 0, hzMax = 8000 } = options;
  checkOneOf(fn, 'opts.frequencyScale', frequencyScale, ['sigmoid', 'none'] as const);
  checkNumber(fn, 'opts.hzMin', hzMin);
  checkNumber(fn, 'opts.hzMax', hzMax);
  if (!(hzMin >= 0 && hzMax > hzMin)) fail(fn, `need 0 <= opts.hzMin < opts.hzMax (got ${hzMin} and ${hzMax})`);
  const s = scaler(scaleFn);
  const range = { hzMin, hzMax };
  const fq = frequencyScale === 'sigmoid'
    ? {
        f: (x: Signal) => c.unitToHz(sigmoidOf(x), range),
        v: (g: Signal, x: Signal) => {
          const u = sigmoidOf(x);
          const gu = c.readLayout('sinusoidal', 'g', c.unitToHzVjp(g, u, range)).data;
          const ud = c.readLayout('sinusoidal', 'u', u).data;
          const L = c.readLayout('sinusoidal', 'x', x);
          return c.wrapLike<Signal>(L, gu.map((v, i) => v * ud[i] * (1 - ud[i])), L.n);
        },
      }
    : scaler('none');
  return named(fn, primitive({
    name: fn,
    forward: (x: Tree) => sinusoidalSynth(s.f(field(fn, x, 'amplitudes')), fq.f(field(fn, x, 'frequencies')), opts).audio,
    vjp: (x: Tree) => {
      const ra = field(fn, x, 'amplitudes');
      const rf = field(fn, x, 'frequencies');
      const a = s.f(ra);
      const f = fq.f(rf);
      return [sinusoidalSynth(a, f, opts).audio, (gy: Tree): Cotangent => {
        const r = sinusoidalSynthVjp(gy as Float64Array, a, f, opts);
        return { amplitudes: s.v(r.amplitudes, ra), frequencies: fq.v(r.frequencies, rf) };
      }];
    },
  }));
}

function sigmoidOf(x: Signal): Signal {
  const L = c.readLayout('sinusoidal', 'frequencies', x);
  return c.wrapLike<Signal>(L, L.data.map((v) => c.sigmoid(v)), L.n);
}

