/**
 * The processor registry: node factories by name, each with a declared option schema (names,
 * types, ranges, defaults), the inputs it takes in order, how they are packed for its node, and
 * its trainable parameters. Config files (JSON, DDSP gin) name processors by `type`; the schema
 * validates their options before the factory runs, so an unknown key or a value of the wrong
 * type is reported against the processor and the key. Users add their own with
 * {@link registerProcessor}.
 */
import { fail, nearestKey } from '../core/errors.ts';
import { frames } from '../core/frames.ts';
import type { Params, Tree } from '../core/tree.ts';
import { rng } from '../check/rng.ts';
import type { Node } from './node.ts';
import { fanout, pick as pickNode, seq } from './combinators.ts';
import { sigmoid1 } from '../core/unary.ts';
import { nodes } from './ops.ts';
import { filteredNoiseControls, filteredNoiseSignal, harmonicControls, harmonicSignal, sinusoidal, wavetable } from './synthNodes.ts';
import {
  biquad, compressor, expDecayReverb, filteredNoiseReverb, firFilter, mix, modDelay, parametricEq, reverb, sincFilter, waveshaper,
} from './effectNodes.ts';
import { meanDifferenceLoss, spectralLossNode } from './lossNodes.ts';

/** The type of one option. Integers and numbers may carry a range; `array` holds JSON arrays. */
export type OptionType =
  | { type: 'integer'; min?: number; max?: number }
  | { type: 'number'; min?: number; max?: number; exclusiveMin?: boolean }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'array' }
  | { type: 'numbers' };

export type OptionSpec = OptionType & {
  /** The value used when the option is absent (documentation; the factory applies it). */
  default?: unknown;
  /** The option must be given. */
  required?: boolean;
  doc?: string;
};

/** How the ordered inputs are handed to the node: one value, a pair [a, b], or a record. */
export type InputPacking = 'single' | 'pair' | 'record';

export interface ProcessorType {
  /** The registry name (`harmonic`, `reverb`, …). */
  type: string;
  doc: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Input names in order (record keys when packing is 'record'). */
  inputs: readonly string[];
  packing: InputPacking;
  /** Outputs `controls` as well as `signal` (DDSP's split); `create` then returns both halves. */
  splitControls?: boolean;
  /**
   * Build the node from validated options. A processor with DDSP's controls/signal split
   * returns both halves; its DAG output then carries `controls` as well as `signal`.
   */
  create(options: Record<string, unknown>): Node | { controls: Node; signal: Node };
  /** Initial trainable parameters for these options (DDSP's initialisers), if it has any. */
  initParams?(options: Record<string, unknown>, seed: number): Params;
}

const registry = new Map<string, ProcessorType>();

/**
 * Add a processor type (or replace one of the same name).
 * @example registerProcessor({ type: 'gain', doc: 'x·k', options: { k: { type: 'number', required: true } },
 *   inputs: ['audio'], packing: 'single', create: (o) => nodes.scale(o.k as number) })
 */
export function registerProcessor(spec: ProcessorType): void {
  const fn = 'registerProcessor';
  if (typeof spec !== 'object' || spec === null) fail(fn, 'spec must be { type, doc, options, inputs, packing, create }');
  if (typeof spec.type !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.type)) fail(fn, `spec.type must be an identifier (got ${JSON.stringify(spec.type)})`);
  if (typeof spec.create !== 'function') fail(fn, `spec.create must be a function (processor '${spec.type}')`);
  if (typeof spec.options !== 'object' || spec.options === null) fail(fn, `spec.options must be a record of option specs (processor '${spec.type}')`);
  if (!Array.isArray(spec.inputs) || spec.inputs.length === 0 || spec.inputs.some((i) => typeof i !== 'string')) {
    fail(fn, `spec.inputs must be a non-empty array of input names (processor '${spec.type}')`);
  }
  if (!['single', 'pair', 'record'].includes(spec.packing)) fail(fn, `spec.packing must be 'single', 'pair' or 'record' (processor '${spec.type}')`);
  if (spec.packing === 'single' && spec.inputs.length !== 1) fail(fn, `a 'single' processor takes one input (processor '${spec.type}' lists ${spec.inputs.length})`);
  if (spec.packing === 'pair' && spec.inputs.length !== 2) fail(fn, `a 'pair' processor takes two inputs (processor '${spec.type}' lists ${spec.inputs.length})`);
  registry.set(spec.type, spec);
}

/** The registered processor types, sorted by name. */
export function processorTypes(): string[] {
  return [...registry.keys()].sort();
}

/** The registered type `type`, or an error (from `fn`) listing the known types and the nearest. */
export function processorType(type: string, fn = 'processorType', where = ''): ProcessorType {
  const t = registry.get(type);
  if (t !== undefined) return t;
  const near = typeof type === 'string' ? nearestKey(type, processorTypes()) : undefined;
  return fail(fn, `${where}unknown processor type ${JSON.stringify(type)}${near ? `; did you mean '${near}'?` : ''} (known: ${processorTypes().join(', ')})`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v;
}

/**
 * Check `options` against the schema of `t`: unknown keys (with the nearest), types, ranges and
 * required keys. Errors are raised by `fn` with `where` (e.g. "dag[2] 'reverb' (reverb): ")
 * before the message. Returns a copy with `numbers` options as Float64Arrays.
 */
export function validateOptions(t: ProcessorType, options: unknown, fn: string, where = ''): Record<string, unknown> {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(fn, `${where}options of processor '${t.type}' must be an object (got ${describe(options)})`);
  }
  const o = options as Record<string, unknown>;
  const valid = Object.keys(t.options);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    const spec = t.options[key];
    if (spec === undefined) {
      const near = nearestKey(key, valid);
      fail(fn, `${where}unknown option '${key}' for processor '${t.type}'${near ? `; did you mean '${near}'?` : ''} (valid: ${valid.join(', ') || 'none'})`);
    }
    if (value === undefined) continue;
    const bad = (expected: string) => fail(fn, `${where}option '${key}' of processor '${t.type}' must be ${expected} (got ${describe(value)})`);
    switch (spec.type) {
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) bad('an integer');
        if (spec.min !== undefined && (value as number) < spec.min) bad(`an integer >= ${spec.min}`);
        if (spec.max !== undefined && (value as number) > spec.max) bad(`an integer <= ${spec.max}`);
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) bad('a finite number');
        if (spec.min !== undefined && (spec.exclusiveMin ? (value as number) <= spec.min : (value as number) < spec.min)) bad(`a number ${spec.exclusiveMin ? '>' : '>='} ${spec.min}`);
        if (spec.max !== undefined && (value as number) > spec.max) bad(`a number <= ${spec.max}`);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') bad('true or false');
        break;
      case 'string':
        if (typeof value !== 'string') bad('a string');
        break;
      case 'enum':
        if (typeof value !== 'string' || !spec.values.includes(value)) bad(`one of ${spec.values.map((v) => `'${v}'`).join(', ')}`);
        break;
      case 'array':
        if (!Array.isArray(value)) bad('an array');
        break;
      case 'numbers':
        if (!(value instanceof Float64Array) && !(Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v)))) bad('an array of finite numbers');
        out[key] = Float64Array.from(value as ArrayLike<number>);
        continue;
    }
    out[key] = value;
  }
  for (const [key, spec] of Object.entries(t.options)) {
    if (spec.required && out[key] === undefined) fail(fn, `${where}processor '${t.type}' needs option '${key}' (${spec.doc ?? spec.type})`);
  }
  return out;
}

// ---- the built-in processors -------------------------------------------------------------

const int = (min: number, extra: Partial<OptionSpec> = {}): OptionSpec => ({ type: 'integer', min, ...extra }) as OptionSpec;
const num = (extra: Partial<OptionSpec> = {}): OptionSpec => ({ type: 'number', ...extra }) as OptionSpec;
const positive = (extra: Partial<OptionSpec> = {}): OptionSpec => ({ type: 'number', min: 0, exclusiveMin: true, ...extra }) as OptionSpec;
const bool = (d: boolean): OptionSpec => ({ type: 'boolean', default: d });
const oneOf = (values: readonly string[], d: string): OptionSpec => ({ type: 'enum', values, default: d });

const synthTiming = {
  nSamples: int(1, { required: true, doc: 'output length in samples' }),
  sampleRate: positive({ default: 16000 }),
  ampResample: oneOf(['window', 'linear'], 'window'),
  addEndpoint: bool(true),
};
const noiseOptions = {
  nSamples: int(1, { required: true, doc: 'output length in samples' }),
  windowSize: int(-(2 ** 30), { default: 257, doc: 'Hann window of the FIR design (≤ 0: the whole IR)' }),
  seed: int(-(2 ** 53), { default: 0 }),
  delayCompensation: int(0),
  scaleFn: oneOf(['expSigmoid', 'none'], 'expSigmoid'),
  initialBias: num({ default: -5 }),
};
const gaussian = (n: number, sd: number, seed: number) => {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => sd * r.normal());
};

const builtins: ProcessorType[] = [
  {
    type: 'harmonic',
    doc: "DDSP's Harmonic: raw amplitudes [F], harmonic distribution [F, K] and f0 (Hz) [F] → audio",
    options: { ...synthTiming, initialPhase: num({ default: 0 }), scaleFn: oneOf(['expSigmoid', 'none'], 'expSigmoid'), normalizeBelowNyquist: bool(true) },
    inputs: ['amplitudes', 'harmonicDistribution', 'f0Hz'],
    packing: 'record',
    splitControls: true,
    create: (o) => ({ controls: harmonicControls(o as never), signal: harmonicSignal(pick(o, 'nSamples', 'sampleRate', 'ampResample', 'addEndpoint', 'initialPhase') as never) }),
  },
  {
    type: 'filteredNoise',
    doc: "DDSP's FilteredNoise: raw magnitudes [F, bands] → seeded noise through time-varying FIRs",
    options: noiseOptions,
    inputs: ['magnitudes'],
    packing: 'single',
    splitControls: true,
    create: (o) => ({ controls: filteredNoiseControls(o as never), signal: filteredNoiseSignal(pick(o, 'nSamples', 'windowSize', 'seed', 'delayCompensation') as never) }),
  },
  {
    type: 'wavetable',
    doc: "DDSP's Wavetable: raw amplitudes [F], wavetables [F, W] or [W], f0 (Hz) [F] → audio",
    options: { ...synthTiming, initialPhase: num({ default: 0 }), scaleFn: oneOf(['expSigmoid', 'none'], 'expSigmoid'), scaleWavetables: bool(true) },
    inputs: ['amplitudes', 'wavetables', 'f0Hz'],
    packing: 'record',
    create: (o) => wavetable(o as never),
  },
  {
    type: 'sinusoidal',
    doc: "DDSP's Sinusoidal: raw amplitudes [F, K] and frequencies [F, K] → audio",
    options: {
      ...synthTiming, scaleFn: oneOf(['expSigmoid', 'none'], 'expSigmoid'), frequencyScale: oneOf(['sigmoid', 'none'], 'sigmoid'),
      hzMin: num({ min: 0, default: 0 }), hzMax: positive({ default: 8000 }),
    },
    inputs: ['amplitudes', 'frequencies'],
    packing: 'record',
    create: (o) => sinusoidal(o as never),
  },
  {
    type: 'reverb',
    doc: "DDSP's (trainable) Reverb: audio → audio, parameter `ir` [irLength] (IR[0] masked)",
    options: { irLength: int(1, { default: 48000, doc: 'IR length for the initial parameter' }), addDry: bool(true) },
    inputs: ['audio'],
    packing: 'single',
    create: (o) => reverb(pick(o, 'addDry') as never),
    initParams: (o, seed) => ({ ir: gaussian((o.irLength as number) ?? 48000, 1e-6, seed) }),
  },
  {
    type: 'expDecayReverb',
    doc: "DDSP's ExpDecayReverb: audio → audio, parameters `gain` [1] (raw) and `decay` [1]",
    options: { irLength: int(2, { default: 48000 }), seed: int(-(2 ** 53), { default: 0 }), addDry: bool(true) },
    inputs: ['audio'],
    packing: 'single',
    create: (o) => expDecayReverb(o as never),
    initParams: () => ({ gain: Float64Array.of(2), decay: Float64Array.of(4) }),
  },
  {
    type: 'filteredNoiseReverb',
    doc: "DDSP's FilteredNoiseReverb: audio → audio, parameter `magnitudes` [nFrames, nFilterBanks] (raw)",
    options: {
      irLength: int(1, { default: 48000 }), windowSize: int(-(2 ** 30), { default: 257 }), seed: int(-(2 ** 53), { default: 0 }),
      addDry: bool(true), initialBias: num({ default: -3 }), nFrames: int(1, { default: 1000, doc: 'frames of the initial parameter' }),
      nFilterBanks: int(2, { default: 16, doc: 'bands of the initial parameter' }),
    },
    inputs: ['audio'],
    packing: 'single',
    create: (o) => filteredNoiseReverb(pick(o, 'irLength', 'windowSize', 'seed', 'addDry', 'initialBias') as never),
    initParams: (o, seed) => {
      const F = (o.nFrames as number) ?? 1000;
      const B = (o.nFilterBanks as number) ?? 16;
      return { magnitudes: frames(gaussian(F * B, 1e-2, seed), F, B) };
    },
  },
  {
    type: 'firFilter', doc: "DDSP's FIRFilter: audio and raw magnitudes [F, bands] → audio",
    options: { windowSize: int(-(2 ** 30), { default: 257 }) }, inputs: ['audio', 'magnitudes'], packing: 'record', create: (o) => firFilter(o as never),
  },
  {
    type: 'sincFilter', doc: 'windowed-sinc low- or high-pass: audio → audio',
    options: { cutoff: positive({ max: 1, required: true, doc: 'cutoff as a fraction of Nyquist' }), windowSize: int(2, { default: 512 }), highPass: bool(false) },
    inputs: ['audio'], packing: 'single', create: (o) => sincFilter(o.cutoff as number, pick(o, 'windowSize', 'highPass') as never),
  },
  {
    type: 'modDelay', doc: 'modulated delay: audio, delay (samples) and raw gain → audio',
    options: { addDry: bool(true), maxDelay: positive() }, inputs: ['audio', 'delay', 'gain'], packing: 'record', create: (o) => modDelay(o as never),
  },
  {
    type: 'ddspModDelay',
    doc: "DDSP's ModDelay: audio, raw gain and raw phase (per sample) → audio; delay = (center + depth·σ(phase)) ms",
    options: { centerMs: positive({ default: 15 }), depthMs: num({ min: 0, default: 10 }), sampleRate: positive({ default: 16000 }), addDry: bool(true) },
    inputs: ['audio', 'gain', 'phase'],
    packing: 'record',
    create: (o) => ddspModDelay((o.centerMs as number) ?? 15, (o.depthMs as number) ?? 10, (o.sampleRate as number) ?? 16000, (o.addDry as boolean) ?? true),
  },
  { type: 'mix', doc: 'constant-power crossfade √m·a + √(1 − m)·b', options: {}, inputs: ['a', 'b', 'm'], packing: 'record', create: () => mix() },
  {
    type: 'waveshaper', doc: 'gain·tanh(drive·x + bias), parameters drive, bias, gain [1]', options: {}, inputs: ['audio'], packing: 'single',
    create: () => waveshaper(), initParams: () => ({ drive: Float64Array.of(1), bias: Float64Array.of(0), gain: Float64Array.of(1) }),
  },
  {
    type: 'compressor', doc: 'soft-knee compressor, parameters threshold, ratio, knee, makeup [1]',
    options: { sampleRate: positive({ default: 16000 }), attackMs: positive({ default: 5 }), releaseMs: positive({ default: 50 }) },
    inputs: ['audio'], packing: 'single', create: (o) => compressor(o as never),
    initParams: () => ({ threshold: Float64Array.of(-20), ratio: Float64Array.of(4), knee: Float64Array.of(6), makeup: Float64Array.of(0) }),
  },
  {
    type: 'parametricEq', doc: 'cascade of RBJ biquads, parameters bands[k] = { freqHz, q, gainDb } [1]',
    options: { bands: { type: 'array', required: true, doc: "[{ type: 'peaking' }, …]" }, sampleRate: positive({ default: 16000 }) },
    inputs: ['audio'], packing: 'single', create: (o) => parametricEq(o as never),
    initParams: (o) => ({ bands: (o.bands as unknown[]).map(() => ({ freqHz: Float64Array.of(1000), q: Float64Array.of(0.707), gainDb: Float64Array.of(0) })) }),
  },
  { type: 'biquad', doc: 'time-varying biquad: audio and per-sample coefficients → audio', options: {}, inputs: ['audio', 'b0', 'b1', 'b2', 'a1', 'a2'], packing: 'record', create: () => biquad() },
  {
    type: 'spectralLoss', doc: "DDSP's multi-scale spectral loss of [target, value] (a length-1 output)",
    options: {
      fftSizes: { type: 'array', default: [2048, 1024, 512, 256, 128, 64] }, lossType: oneOf(['L1', 'L2'], 'L1'),
      magWeight: num({ min: 0, default: 1 }), logmagWeight: num({ min: 0, default: 0 }), deltaTimeWeight: num({ min: 0, default: 0 }),
      deltaFreqWeight: num({ min: 0, default: 0 }), cumsumFreqWeight: num({ min: 0, default: 0 }), loudnessWeight: num({ min: 0, default: 0 }),
      convergenceWeight: num({ min: 0, default: 0 }), logMelWeight: num({ min: 0, default: 0 }), overlap: num({ min: 0, max: 0.99, default: 0.75 }),
      sampleRate: positive({ default: 16000 }), nMels: int(1, { default: 64 }), logForm: oneOf(['safe', 'offset'], 'safe'),
      logEps: positive({ default: 1e-5 }), framing: oneOf(['padEnd', 'valid', 'center'], 'padEnd'),
    },
    inputs: ['target', 'value'], packing: 'pair', create: (o) => spectralLossNode(o as never),
  },
  {
    type: 'meanDifference', doc: 'mean difference (L1, L2, cosine) of [target, value]',
    options: { lossType: oneOf(['L1', 'L2', 'COSINE', 'l1', 'l2', 'cosine'], 'L1') }, inputs: ['target', 'value'], packing: 'pair',
    create: (o) => meanDifferenceLoss(o as never),
  },
];

/**
 * DDSP's ModDelay parameterisation over our delay line: max_length = ⌊sr·(center + depth)/1000⌋,
 * delay = (σ(phase)·depth + center)/(center + depth)·max_length samples, gain = expSigmoid(raw).
 * Delays up to max_length are true delays (DDSP's buffer wraps in its last sample; see modDelay).
 */
function ddspModDelay(centerMs: number, depthMs: number, sampleRate: number, addDry: boolean): Node {
  const maxLen = Math.floor((sampleRate / 1000) * (centerMs + depthMs));
  if (maxLen < 1) fail('ddspModDelay', `centerMs + depthMs at sampleRate ${sampleRate} gives a buffer of ${maxLen} samples; need at least 1`);
  const a = (depthMs / (centerMs + depthMs)) * maxLen;
  const b = (centerMs / (centerMs + depthMs)) * maxLen;
  const toDelay: Node = {
    name: 'phaseToDelay',
    forward: (x) => (x as Float64Array).map((p) => b + a * sigmoid1(p)),
    vjp: (x) => {
      const p = x as Float64Array;
      return [p.map((v) => b + a * sigmoid1(v)), (g) => {
        if (g === undefined) return [undefined, undefined];
        const gg = g as Float64Array;
        return [p.map((v, i) => { const s = sigmoid1(v); return gg[i] * a * s * (1 - s); }), undefined];
      }];
    },
  };
  return seq(fanout({ audio: pickNode('audio'), gain: pickNode('gain'), delay: seq(pickNode('phase'), toDelay) }), modDelay({ addDry, maxDelay: maxLen + 1 }));
}

/** The subset of `o` with the given keys (absent ones left out). */
function pick(o: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

// Core ops as processors: binary ops take a pair, unary ops one signal.
const binary = (type: 'add' | 'sub' | 'mul', doc: string): ProcessorType => ({ type, doc, options: {}, inputs: ['a', 'b'], packing: 'pair', create: () => nodes[type]() });
const unary = (type: string, doc: string, options: Record<string, OptionSpec>, create: (o: Record<string, unknown>) => Node): ProcessorType =>
  ({ type, doc, options, inputs: ['x'], packing: 'single', create });
const db = { refDb: num({ default: 0 }), rangeDb: positive({ default: 80 }) };
const unitMidi = { midiMin: num({ default: 20 }), midiMax: num({ default: 90 }), clip: bool(false) };
const unitHz = { hzMin: num({ min: 0, required: true }), hzMax: positive({ required: true }), clip: bool(false) };
builtins.push(
  binary('add', 'a + b (DDSP Add)'),
  binary('sub', 'a − b'),
  binary('mul', 'a·b'),
  { type: 'safeDivide', doc: "DDSP's safe_divide: n/d, exact zeros replaced by eps", options: { eps: positive({ default: 1e-7 }) }, inputs: ['n', 'd'], packing: 'pair', create: (o) => nodes.safeDivide(o) },
  unary('scale', 's·x', { s: num({ required: true }) }, (o) => nodes.scale(o.s as number)),
  unary('expSigmoid', "DDSP's exp_sigmoid", { exponent: positive({ default: 10 }), maxValue: num({ default: 2 }), threshold: num({ default: 1e-7 }) }, (o) => nodes.expSigmoid(o)),
  unary('symExpSigmoid', 'symmetric exp_sigmoid', { width: num({ default: 8 }) }, (o) => nodes.symExpSigmoid(o)),
  unary('softplus', 'ln(1 + eˣ)', {}, () => nodes.softplus()),
  unary('softLimit', 'soft clip to [xMin, xMax]', { xMin: num({ default: 0 }), xMax: num({ default: 1 }) }, (o) => nodes.softLimit(o)),
  unary('logScale', '[−1, 1] → [minX, maxX] on a log scale', { minX: positive({ required: true }), maxX: positive({ required: true }) }, (o) => nodes.logScale(o as never)),
  unary('safeLog', "DDSP's safe_log", { eps: positive({ default: 1e-5 }) }, (o) => nodes.safeLog(o)),
  unary('midiToHz', 'MIDI → Hz', { midiZeroSilence: bool(false) }, (o) => nodes.midiToHz(o)),
  unary('hzToMidi', 'Hz → MIDI', {}, () => nodes.hzToMidi()),
  unary('unitToMidi', '[0, 1] → MIDI', unitMidi, (o) => nodes.unitToMidi(o)),
  unary('midiToUnit', 'MIDI → [0, 1]', unitMidi, (o) => nodes.midiToUnit(o)),
  unary('unitToHz', '[0, 1] → Hz, linear in MIDI', unitHz, (o) => nodes.unitToHz(o as never)),
  unary('hzToUnit', 'Hz → [0, 1], linear in MIDI', unitHz, (o) => nodes.hzToUnit(o as never)),
  unary('powerToDb', 'power → dB', db, (o) => nodes.powerToDb(o)),
  unary('amplitudeToDb', 'amplitude → dB', db, (o) => nodes.amplitudeToDb(o)),
  unary('dbToPower', 'dB → power', {}, () => nodes.dbToPower()),
  unary('dbToAmplitude', 'dB → amplitude', {}, () => nodes.dbToAmplitude()),
  unary('sumAll', 'Σ x', {}, () => nodes.sumAll()),
  unary('mean', 'mean(x)', {}, () => nodes.mean()),
  unary('cumsum', 'running sum', {}, () => nodes.cumsum()),
  unary('reverseCumsum', 'running sum from the end', {}, () => nodes.reverseCumsum()),
  unary('diff', 'first difference', {}, () => nodes.diff()),
  unary('resample', 'resample to nOut steps', { nOut: int(1, { required: true }), method: oneOf(['linear', 'nearest'], 'linear'), addEndpoint: bool(true) },
    (o) => nodes.resample(o.nOut as number, pick(o, 'method', 'addEndpoint'))),
  unary('upsampleWithWindows', "DDSP's upsample_with_windows", { nOut: int(1, { required: true }), addEndpoint: bool(true) },
    (o) => nodes.upsampleWithWindows(o.nOut as number, pick(o, 'addEndpoint'))),
  unary('pad', 'pad before/after', { before: int(0, { default: 0 }), after: int(0, { default: 0 }), value: num({ default: 0 }) },
    (o) => nodes.pad((o.before as number) ?? 0, (o.after as number) ?? 0, pick(o, 'value'))),
  unary('crop', 'crop before/after (DDSP Crop)', { before: int(0, { default: 0 }), after: int(0, { default: 0 }) },
    (o) => nodes.crop((o.before as number) ?? 0, (o.after as number) ?? 0)),
);
for (const b of builtins) registerProcessor(b);

/** Pack the ordered input values the way processor `t` takes them. */
export function packInputs(t: ProcessorType, values: readonly Tree[]): Tree {
  if (t.packing === 'single') return values[0];
  if (t.packing === 'pair') return [values[0], values[1]];
  return Object.fromEntries(t.inputs.map((k, i) => [k, values[i]]));
}
