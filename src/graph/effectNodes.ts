/**
 * DDSP's effects as graph Nodes. Trainable values are parameters, so `named('reverb', reverb())`
 * trains `params.reverb.ir`, as DDSP's trainable Reverb:
 *   reverb()               audio → audio, parameter `ir` [L]
 *   expDecayReverb(o)      audio → audio, parameters `gain` [1] (raw, expSigmoid) and `decay` [1]
 *   filteredNoiseReverb(o) audio → audio, parameter `magnitudes` [F, B] (raw, expSigmoid after −3 bias)
 *   firFilter(o)           { audio, magnitudes (raw) } → audio
 *   modDelay(o)            { audio, delay (samples), gain (raw, expSigmoid) } → audio
 *   sincFilter(cutoff, o)  audio → audio;   mix()  { a, b, m } → audio
 *   waveshaper()           audio → audio, parameters `drive`, `bias`, `gain` [1]
 *   compressor(o)          audio → audio, parameters `threshold`, `ratio`, `knee`, `makeup` [1]
 *   parametricEq(o)        audio → audio, parameters `bands[k] = { freqHz, q, gainDb }` [1]
 *   biquad()               { audio, b0, b1, b2, a1, a2 } → audio
 */
import { checkNumber, fail, readOptions, within } from '../core/errors.ts';
import { guardNode, requireParam, splitOptions } from './guard.ts';
import { expSigmoid, expSigmoidVjp } from '../core/scaling.ts';
import { readLayout, wrapLike, type Signal } from '../core/frames.ts';
import type { Cotangent, Params, Tree } from '../core/tree.ts';
import {
  expDecayIr, expDecayIrVjp, filteredNoiseIr, filteredNoiseIrVjp, reverb as reverbOp, reverbVjp,
  type ExpDecayOptions, type FilteredNoiseIrOptions, type ReverbOptions,
} from '../effects/reverb.ts';
import { firFilter as firOp, firFilterVjp, mix as mixOp, mixVjp, sincFilter as sincOp, sincFilterVjp, sincImpulseResponse, type SincOptions } from '../effects/fir.ts';
import { modDelay as modDelayOp, modDelayVjp, type ModDelayOptions } from '../effects/modDelay.ts';
import { compressor as compressorOp, compressorVjp, waveshaper as waveshaperOp, waveshaperVjp, type CompressorOptions } from '../effects/dynamics.ts';
import { parametricEq as parametricEqOp, parametricEqVjp, type EqBand } from '../effects/eq.ts';
import { biquad as biquadOp, biquadVjp, type BiquadCoefficients } from '../effects/iir.ts';
import type { RbjType } from '../effects/rbj.ts';
import type { Node, Pullback } from './node.ts';
import { lift, primitive } from './node.ts';

const readParam = (fn: string, p: Params, key: string) => requireParam(fn, p, key) as Signal;

/** A reverb whose IR is computed from parameters by `ir(p)` with VJP `irVjp(ḡIr, p)`. */
function irReverb(name: string, ir: (p: Params) => Float64Array, irVjp: (g: Float64Array, p: Params) => Cotangent, opts: ReverbOptions): Node {
  return {
    name,
    forward: (x, p) => reverbOp(x as Float64Array, ir(p), opts),
    vjp: (x, p) => {
      const h = ir(p);
      const pullback: Pullback = (g) => {
        if (g === undefined) return [undefined, undefined];
        const r = reverbVjp(g as Float64Array, x as Float64Array, h, opts);
        return [r.audio, irVjp(r.ir, p)];
      };
      return [reverbOp(x as Float64Array, h, opts), pullback];
    },
  };
}

/**
 * DDSP's trainable Reverb: audio → audio with the IR as parameter `ir` [L].
 * @example named('reverb', reverb()) // params.reverb.ir
 */
export function reverb(opts: ReverbOptions = {}): Node {
  const [ro] = splitOptions('reverb', opts, [['addDry']]);
  const ir = (p: Params) => {
    const v = readParam('reverb', p, 'ir');
    if (!(v instanceof Float64Array)) fail('reverb', "parameter 'ir' must be a Float64Array");
    return v;
  };
  return guardNode('reverb', irReverb('reverb', ir, (g) => ({ ir: g }), ro));
}

/** DDSP's ExpDecayReverb: parameters `gain` [1] (raw, expSigmoid) and `decay` [1]. */
export function expDecayReverb(opts: ExpDecayOptions & ReverbOptions = {}): Node {
  const f = 'expDecayReverb';
  const [io, ro] = splitOptions(f, opts, [['irLength', 'seed'], ['addDry']]);
  const args = (p: Params) => [expSigmoid(readParam(f, p, 'gain') as Float64Array), readParam(f, p, 'decay') as Float64Array] as const;
  return guardNode(f, irReverb(f, (p) => expDecayIr(...args(p), io), (g, p) => {
    const [gain, decay] = args(p);
    const r = expDecayIrVjp(g, gain, decay, io);
    return { gain: expSigmoidVjp(r.gain, readParam(f, p, 'gain') as Float64Array), decay: r.decay };
  }, ro));
}

function biased(x: Signal, bias: number): Signal {
  const L = readLayout('filteredNoiseReverb', 'magnitudes', x);
  return wrapLike<Signal>(L, L.data.map((v) => v + bias), L.n);
}

/** DDSP's FilteredNoiseReverb: parameter `magnitudes` [F, B] (raw; expSigmoid after the −3 bias). */
export function filteredNoiseReverb(opts: FilteredNoiseIrOptions & ReverbOptions & { initialBias?: number } = {}): Node {
  const f = 'filteredNoiseReverb';
  const [io, ro, bo] = splitOptions(f, opts, [['irLength', 'windowSize', 'seed'], ['addDry'], ['initialBias']]);
  const initialBias = (bo.initialBias ?? -3) as number;
  checkNumber(f, 'opts.initialBias', initialBias);
  return guardNode(f, irReverb(f, (p) => filteredNoiseIr(expSigmoid(biased(readParam(f, p, 'magnitudes'), initialBias)), io), (g, p) => {
    const z = biased(readParam(f, p, 'magnitudes'), initialBias);
    return { magnitudes: expSigmoidVjp(filteredNoiseIrVjp(g, expSigmoid(z), io), z) };
  }, ro));
}

function field(fn: string, x: Tree, key: string): Signal {
  const v = (x as Record<string, Signal>)?.[key];
  if (v === undefined) fail(fn, `input must be a record with '${key}'`);
  return v;
}

/** DDSP's FIRFilter: { audio, magnitudes (raw, expSigmoid) } → audio. */
export function firFilter(opts: { windowSize?: number } = {}): Node {
  const f = 'firFilter';
  readOptions(f, opts, ['windowSize']);
  return guardNode(f, primitive({
    name: f,
    forward: (x: Tree) => firOp(field(f, x, 'audio') as Float64Array, expSigmoid(field(f, x, 'magnitudes')), opts),
    vjp: (x: Tree) => {
      const audio = field(f, x, 'audio') as Float64Array;
      const raw = field(f, x, 'magnitudes');
      const m = expSigmoid(raw);
      return [firOp(audio, m, opts), (g: Tree): Cotangent => {
        const r = firFilterVjp(g as Float64Array, audio, m, opts);
        return { audio: r.audio, magnitudes: expSigmoidVjp(r.magnitudes, raw) };
      }];
    },
  }));
}

/** DDSP's ModDelay: { audio, delay (samples), gain (raw, expSigmoid) } → audio. */
export function modDelay(opts: ModDelayOptions = {}): Node {
  const f = 'modDelay';
  readOptions(f, opts, ['addDry', 'maxDelay']);
  return guardNode(f, primitive({
    name: f,
    forward: (x: Tree) => modDelayOp(field(f, x, 'audio') as Float64Array, field(f, x, 'delay') as Float64Array, expSigmoid(field(f, x, 'gain') as Float64Array), opts),
    vjp: (x: Tree) => {
      const audio = field(f, x, 'audio') as Float64Array;
      const delay = field(f, x, 'delay') as Float64Array;
      const raw = field(f, x, 'gain') as Float64Array;
      const gain = expSigmoid(raw);
      return [modDelayOp(audio, delay, gain, opts), (g: Tree): Cotangent => {
        const r = modDelayVjp(g as Float64Array, audio, delay, gain, opts);
        return { audio: r.audio, delay: r.delay, gain: expSigmoidVjp(r.gain, raw) };
      }];
    },
  }));
}

/** sincFilter(cutoff, opts) as a Node: audio → audio (the cutoff is a setting). */
export function sincFilter(cutoff: number, opts: SincOptions = {}): Node {
  readOptions('sincFilter', opts, ['windowSize', 'highPass']);
  within('sincFilter', () => sincImpulseResponse(cutoff, opts)); // validates the cutoff now, not at the first forward
  return guardNode('sincFilter', lift('sincFilter', (x: Float64Array) => sincOp(x, cutoff, opts), (g: Float64Array, x: Float64Array) => sincFilterVjp(g, x, cutoff, opts)) as unknown as Node);
}

/** mix() as a Node: { a, b, m } → √m·a + √(1 − m)·b. */
export function mix(): Node {
  const f = 'mix';
  return guardNode(f, primitive({
    name: f,
    forward: (x: Tree) => mixOp(field(f, x, 'a') as Float64Array, field(f, x, 'b') as Float64Array, field(f, x, 'm') as Float64Array),
    vjp: (x: Tree) => {
      const [a, b, m] = ['a', 'b', 'm'].map((k) => field(f, x, k) as Float64Array);
      return [mixOp(a, b, m), (g: Tree): Cotangent => mixVjp(g as Float64Array, a, b, m)];
    },
  }));
}

/** A scalar parameter (a length-1 Float64Array) of a node, named in the error if missing or malformed. */
function scalarParam(fn: string, p: Params, key: string): number {
  const v = readParam(fn, p, key);
  if (!(v instanceof Float64Array) || v.length !== 1 || !Number.isFinite(v[0])) {
    fail(fn, `parameter '${key}' must be a finite Float64Array of length 1 (got ${v instanceof Float64Array ? `${v.length} values` : typeof v})`);
  }
  return v[0];
}

/**
 * The waveshaper as a Node: audio → gain·tanh(drive·x + bias), with trainable parameters
 * `drive`, `bias` and `gain` (each a Float64Array of length 1).
 * @example named('shaper', waveshaper()) // params.shaper = { drive, bias, gain }
 */
export function waveshaper(): Node {
  const f = 'waveshaper';
  const args = (p: Params) => ({ drive: scalarParam(f, p, 'drive'), bias: scalarParam(f, p, 'bias'), gain: scalarParam(f, p, 'gain') });
  return guardNode(f, {
    name: f,
    forward: (x, p) => waveshaperOp(x as Float64Array, args(p)),
    vjp: (x, p) => {
      const a = args(p);
      return [waveshaperOp(x as Float64Array, a), (g) => {
        if (g === undefined) return [undefined, undefined];
        const r = waveshaperVjp(g as Float64Array, x as Float64Array, a);
        return [r.x, { drive: Float64Array.of(r.drive), bias: Float64Array.of(r.bias), gain: Float64Array.of(r.gain) }];
      }];
    },
  });
}

/**
 * The compressor as a Node: audio → audio, with trainable parameters `threshold`, `ratio`,
 * `knee` and `makeup` (dB, each a Float64Array of length 1); options as {@link CompressorOptions}.
 */
export function compressor(opts: CompressorOptions = {}): Node {
  const f = 'compressor';
  const [o] = splitOptions(f, opts, [['sampleRate', 'attackMs', 'releaseMs']]);
  const args = (p: Params) => ({
    threshold: scalarParam(f, p, 'threshold'), ratio: scalarParam(f, p, 'ratio'), knee: scalarParam(f, p, 'knee'), makeup: scalarParam(f, p, 'makeup'),
  });
  return guardNode(f, {
    name: f,
    forward: (x, p) => compressorOp(x as Float64Array, args(p), o),
    vjp: (x, p) => {
      const a = args(p);
      return [compressorOp(x as Float64Array, a, o), (g) => {
        if (g === undefined) return [undefined, undefined];
        const r = compressorVjp(g as Float64Array, x as Float64Array, a, o);
        return [r.x, {
          threshold: Float64Array.of(r.threshold), ratio: Float64Array.of(r.ratio), knee: Float64Array.of(r.knee), makeup: Float64Array.of(r.makeup),
        }];
      }];
    },
  });
}

export interface ParametricEqNodeOptions {
  /** The bands' filter types, in cascade order. Required. */
  bands: { type: RbjType }[];
  /** Sample rate in Hz. Default 16000. */
  sampleRate?: number;
}

/**
 * A trainable parametric EQ as a Node: audio → audio through a cascade of RBJ biquads whose
 * frequency, Q and gain are parameters held constant over the signal:
 * `params.bands[k] = { freqHz, q, gainDb }` (each a Float64Array of length 1).
 * @example named('eq', parametricEq({ bands: [{ type: 'peaking' }], sampleRate: 16000 }))
 */
export function parametricEq(opts: ParametricEqNodeOptions): Node {
  const f = 'parametricEq';
  if (opts === undefined) fail(f, "opts.bands is required, e.g. parametricEq({ bands: [{ type: 'peaking' }] })");
  const { bands, sampleRate = 16000 } = readOptions(f, opts, ['bands', 'sampleRate']);
  if (!Array.isArray(bands) || bands.length === 0) fail(f, "opts.bands must be a non-empty array like [{ type: 'peaking' }]");
  bands.forEach((b, k) => readOptions(f, b, ['type'], `opts.bands[${k}]`));
  const types = bands.map((b) => b.type);
  const read = (p: Params, n: number): EqBand[] => {
    const bp = readParam(f, p, 'bands') as unknown;
    if (!Array.isArray(bp) || bp.length !== types.length) fail(f, `parameter 'bands' must be an array of ${types.length} { freqHz, q, gainDb }`);
    return types.map((type, k) => {
      const b = bp[k] as Params;
      return {
        type,
        freqHz: new Float64Array(n).fill(scalarParam(f, b, 'freqHz')),
        q: new Float64Array(n).fill(scalarParam(f, b, 'q')),
        gainDb: new Float64Array(n).fill(scalarParam(f, b, 'gainDb')),
      };
    });
  };
  const total = (a: Float64Array) => Float64Array.of(a.reduce((s, v) => s + v, 0));
  const audioLength = (x: Tree) => {
    if (!(x instanceof Float64Array)) fail(f, `audio must be a Float64Array (got ${x === null ? 'null' : typeof x})`);
    return x.length;
  };
  return guardNode(f, {
    name: f,
    forward: (x, p) => parametricEqOp(x as Float64Array, read(p, audioLength(x)), { sampleRate }),
    vjp: (x, p) => {
      const b = read(p, audioLength(x));
      return [parametricEqOp(x as Float64Array, b, { sampleRate }), (g) => {
        if (g === undefined) return [undefined, undefined];
        const r = parametricEqVjp(g as Float64Array, x as Float64Array, b, { sampleRate });
        return [r.audio, { bands: r.bands.map((rb) => ({ freqHz: total(rb.freqHz), q: total(rb.q), gainDb: total(rb.gainDb) })) }];
      }];
    },
  });
}

/** The time-varying biquad as a Node: { audio, b0, b1, b2, a1, a2 } (per-sample coefficients) → audio. */
export function biquad(): Node {
  const f = 'biquad';
  const keys = ['b0', 'b1', 'b2', 'a1', 'a2'] as const;
  const coefs = (x: Tree) => Object.fromEntries(keys.map((k) => [k, field(f, x, k)])) as unknown as BiquadCoefficients;
  return guardNode(f, primitive({
    name: f,
    forward: (x: Tree) => biquadOp(field(f, x, 'audio') as Float64Array, coefs(x)),
    vjp: (x: Tree) => {
      const audio = field(f, x, 'audio') as Float64Array;
      const c = coefs(x);
      return [biquadOp(audio, c), (g: Tree): Cotangent => {
        const r = biquadVjp(g as Float64Array, audio, c);
        return { audio: r.x, ...r.coefficients };
      }];
    },
  }));
}
