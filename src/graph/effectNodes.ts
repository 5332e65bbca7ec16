/**
 * DDSP's effects as graph Nodes. Trainable values are parameters, so `named('reverb', reverb())`
 * trains `params.reverb.ir`, as DDSP's trainable Reverb:
 *   reverb()               audio → audio, parameter `ir` [L]
 *   expDecayReverb(o)      audio → audio, parameters `gain` [1] (raw, expSigmoid) and `decay` [1]
 *   filteredNoiseReverb(o) audio → audio, parameter `magnitudes` [F, B] (raw, expSigmoid after −3 bias)
 *   firFilter(o)           { audio, magnitudes (raw) } → audio
 *   modDelay(o)            { audio, delay (samples), gain (raw, expSigmoid) } → audio
 *   sincFilter(cutoff, o)  audio → audio;   mix()  { a, b, m } → audio
 */
import { checkNumber, fail, readOptions, within } from '../core/errors.ts';
import { guardNode, splitOptions } from './guard.ts';
import { expSigmoid, expSigmoidVjp } from '../core/scaling.ts';
import { readLayout, wrapLike, type Signal } from '../core/frames.ts';
import type { Cotangent, Params, Tree } from '../core/tree.ts';
import {
  expDecayIr, expDecayIrVjp, filteredNoiseIr, filteredNoiseIrVjp, reverb as reverbOp, reverbVjp,
  type ExpDecayOptions, type FilteredNoiseIrOptions, type ReverbOptions,
} from '../effects/reverb.ts';
import { firFilter as firOp, firFilterVjp, mix as mixOp, mixVjp, sincFilter as sincOp, sincFilterVjp, sincImpulseResponse, type SincOptions } from '../effects/fir.ts';
import { modDelay as modDelayOp, modDelayVjp, type ModDelayOptions } from '../effects/modDelay.ts';
import type { Node, Pullback } from './node.ts';
import { lift, primitive } from './node.ts';

function readParam(fn: string, p: Params, key: string): Signal {
  const v = p?.[key];
  if (v === undefined) fail(fn, `needs a parameter '${key}' (scope it with named(...))`);
  return v as Signal;
}

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
