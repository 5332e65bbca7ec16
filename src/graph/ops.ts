/**
 * The core ops as graph Nodes, ready for the combinators. Options are fixed when the node is
 * made; binary ops take a pair `[a, b]` (e.g. the output of `fanout([f, g])`).
 * @example seq(nodes.expSigmoid(), nodes.upsampleWithWindows(64000))
 */
import * as c from '../core/index.ts';
import type { Signal } from '../core/frames.ts';
import { lift, lift2, type Node } from './node.ts';

type S = Signal;
const unary = (name: string, f: (x: S) => S, v: (g: S, x: S) => S): Node => lift(name, f, v) as unknown as Node;
const binary = (name: string, f: (a: S, b: S) => S, v: (g: S, a: S, b: S) => [S, S]): Node =>
  lift2(name, f, v) as unknown as Node;

export const nodes = {
  expSigmoid: (o: c.ExpSigmoidOptions = {}) =>
    unary('expSigmoid', (x) => c.expSigmoid(x, o), (g, x) => c.expSigmoidVjp(g, x, o)),
  symExpSigmoid: (o: c.SymExpSigmoidOptions = {}) =>
    unary('symExpSigmoid', (x) => c.symExpSigmoid(x, o), (g, x) => c.symExpSigmoidVjp(g, x, o)),
  softplus: () => unary('softplus', c.softplus, c.softplusVjp),
  softLimit: (o: c.SoftLimitOptions = {}) =>
    unary('softLimit', (x) => c.softLimit(x, o), (g, x) => c.softLimitVjp(g, x, o)),
  logScale: (o: c.LogScaleOptions) => unary('logScale', (x) => c.logScale(x, o), (g, x) => c.logScaleVjp(g, x, o)),
  safeLog: (o: c.SafeLogOptions = {}) => unary('safeLog', (x) => c.safeLog(x, o), (g, x) => c.safeLogVjp(g, x, o)),
  safeDivide: (o: c.SafeDivideOptions = {}) =>
    binary('safeDivide', (a, b) => c.safeDivide(a, b, o), (g, a, b) => c.safeDivideVjp(g, a, b, o)),
  midiToHz: (o: c.MidiToHzOptions = {}) =>
    unary('midiToHz', (x) => c.midiToHz(x, o), (g, x) => c.midiToHzVjp(g, x, o)),
  hzToMidi: () => unary('hzToMidi', c.hzToMidi, c.hzToMidiVjp),
  unitToMidi: (o: c.UnitMidiOptions = {}) =>
    unary('unitToMidi', (x) => c.unitToMidi(x, o), (g, x) => c.unitToMidiVjp(g, x, o)),
  midiToUnit: (o: c.UnitMidiOptions = {}) =>
    unary('midiToUnit', (x) => c.midiToUnit(x, o), (g, x) => c.midiToUnitVjp(g, x, o)),
  unitToHz: (o: c.UnitHzOptions) => unary('unitToHz', (x) => c.unitToHz(x, o), (g, x) => c.unitToHzVjp(g, x, o)),
  hzToUnit: (o: c.UnitHzOptions) => unary('hzToUnit', (x) => c.hzToUnit(x, o), (g, x) => c.hzToUnitVjp(g, x, o)),
  powerToDb: (o: c.DbOptions = {}) =>
    unary('powerToDb', (x) => c.powerToDb(x, o), (g, x) => c.powerToDbVjp(g, x, o)),
  amplitudeToDb: (o: c.DbOptions = {}) =>
    unary('amplitudeToDb', (x) => c.amplitudeToDb(x, o), (g, x) => c.amplitudeToDbVjp(g, x, o)),
  dbToPower: () => unary('dbToPower', c.dbToPower, c.dbToPowerVjp),
  dbToAmplitude: () => unary('dbToAmplitude', c.dbToAmplitude, c.dbToAmplitudeVjp),
  add: () => binary('add', c.add, c.addVjp),
  sub: () => binary('sub', c.sub, c.subVjp),
  mul: () => binary('mul', c.mul, c.mulVjp),
  scale: (s: number) => unary('scale', (x) => c.scale(x, s), (g, x) => c.scaleVjp(g, x, s)),
  sumAll: () => unary('sumAll', c.sumAll, (g, x) => c.sumAllVjp(g as Float64Array, x)),
  mean: () => unary('mean', c.mean, (g, x) => c.meanVjp(g as Float64Array, x)),
  cumsum: () => unary('cumsum', c.cumsum, c.cumsumVjp),
  reverseCumsum: () => unary('reverseCumsum', c.reverseCumsum, c.reverseCumsumVjp),
  diff: () => unary('diff', c.diff, c.diffVjp),
  resample: (nOut: number, o: c.ResampleOptions = {}) =>
    unary('resample', (x) => c.resample(x, nOut, o), (g, x) => c.resampleVjp(g, x, nOut, o)),
  upsampleWithWindows: (nOut: number, o: c.UpsampleWithWindowsOptions = {}) =>
    unary('upsampleWithWindows', (x) => c.upsampleWithWindows(x, nOut, o), (g, x) => c.upsampleWithWindowsVjp(g, x, nOut, o)),
  pad: (before: number, after: number, o: c.PadOptions = {}) =>
    unary('pad', (x) => c.pad(x, before, after, o), (g, x) => c.padVjp(g, x, before, after)),
  crop: (before: number, after: number) =>
    unary('crop', (x) => c.crop(x, before, after), (g, x) => c.cropVjp(g, x, before, after)),
};
