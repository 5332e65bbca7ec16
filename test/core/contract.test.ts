// The contract every core op keeps: bad input gets a DdspError naming the function and argument,
// and nothing the caller passes in is mutated (forward or VJP).
import { describe, it, expect } from 'vitest';
import * as core from '../../src/core/index.ts';
import { DdspError } from '../../src/core/index.ts';
import { randomArray } from '../helpers.ts';

type Case = { name: string; arg: string; call: (x: Float64Array) => unknown; vjp: (g: Float64Array, x: Float64Array) => unknown; out?: (n: number) => number };

const N = 24;
const cases: Case[] = [
  { name: 'expSigmoid', arg: 'x', call: (x) => core.expSigmoid(x), vjp: (g, x) => core.expSigmoidVjp(g, x) },
  { name: 'symExpSigmoid', arg: 'x', call: (x) => core.symExpSigmoid(x), vjp: (g, x) => core.symExpSigmoidVjp(g, x) },
  { name: 'softplus', arg: 'x', call: (x) => core.softplus(x), vjp: (g, x) => core.softplusVjp(g, x) },
  { name: 'softLimit', arg: 'x', call: (x) => core.softLimit(x), vjp: (g, x) => core.softLimitVjp(g, x) },
  { name: 'logScale', arg: 'x', call: (x) => core.logScale(x, { minX: 1, maxX: 10 }), vjp: (g, x) => core.logScaleVjp(g, x, { minX: 1, maxX: 10 }) },
  { name: 'safeLog', arg: 'x', call: (x) => core.safeLog(x), vjp: (g, x) => core.safeLogVjp(g, x) },
  { name: 'midiToHz', arg: 'm', call: (x) => core.midiToHz(x), vjp: (g, x) => core.midiToHzVjp(g, x) },
  { name: 'hzToMidi', arg: 'f', call: (x) => core.hzToMidi(x), vjp: (g, x) => core.hzToMidiVjp(g, x) },
  { name: 'unitToMidi', arg: 'u', call: (x) => core.unitToMidi(x), vjp: (g, x) => core.unitToMidiVjp(g, x) },
  { name: 'midiToUnit', arg: 'm', call: (x) => core.midiToUnit(x), vjp: (g, x) => core.midiToUnitVjp(g, x) },
  { name: 'powerToDb', arg: 'p', call: (x) => core.powerToDb(x), vjp: (g, x) => core.powerToDbVjp(g, x) },
  { name: 'amplitudeToDb', arg: 'a', call: (x) => core.amplitudeToDb(x), vjp: (g, x) => core.amplitudeToDbVjp(g, x) },
  { name: 'dbToPower', arg: 'db', call: (x) => core.dbToPower(x), vjp: (g, x) => core.dbToPowerVjp(g, x) },
  { name: 'dbToAmplitude', arg: 'db', call: (x) => core.dbToAmplitude(x), vjp: (g, x) => core.dbToAmplitudeVjp(g, x) },
  { name: 'scale', arg: 'x', call: (x) => core.scale(x, 2), vjp: (g, x) => core.scaleVjp(g, x, 2) },
  { name: 'cumsum', arg: 'x', call: (x) => core.cumsum(x), vjp: (g, x) => core.cumsumVjp(g, x) },
  { name: 'reverseCumsum', arg: 'x', call: (x) => core.reverseCumsum(x), vjp: (g, x) => core.reverseCumsumVjp(g, x) },
  { name: 'diff', arg: 'x', call: (x) => core.diff(x), vjp: (g, x) => core.diffVjp(g, x), out: (n) => n - 1 },
  { name: 'resample', arg: 'x', call: (x) => core.resample(x, 50), vjp: (g, x) => core.resampleVjp(g, x, 50), out: () => 50 },
  { name: 'upsampleWithWindows', arg: 'x', call: (x) => core.upsampleWithWindows(x, 48), vjp: (g, x) => core.upsampleWithWindowsVjp(g, x, 48), out: () => 48 },
  { name: 'pad', arg: 'x', call: (x) => core.pad(x, 2, 3), vjp: (g, x) => core.padVjp(g, x, 2, 3), out: (n) => n + 5 },
  { name: 'crop', arg: 'x', call: (x) => core.crop(x, 2, 3), vjp: (g, x) => core.cropVjp(g, x, 2, 3), out: (n) => n - 5 },
];

describe('every core op', () => {
  for (const c of cases) {
    it(`${c.name} names itself and the argument for NaN, Infinity and non-Float64Array input`, () => {
      const x = randomArray(N, 5);
      x[3] = NaN;
      expect(() => c.call(x)).toThrow(`${c.name}: ${c.arg}[3] is NaN; expected finite numbers`);
      x[3] = -Infinity;
      expect(() => c.call(x)).toThrow(`${c.name}: ${c.arg}[3] is -Infinity`);
      expect(() => c.call(new Float32Array(N) as never)).toThrow(DdspError);
      expect(() => c.call(new Float32Array(N) as never)).toThrow(`${c.name}: ${c.arg} must be a Float64Array or a float64 ndarray`);
      expect(() => c.call([1, 2, 3] as never)).toThrow(c.name);
    });
    it(`${c.name} and its VJP do not mutate their inputs`, () => {
      const x = randomArray(N, 7, 0.1, 2);
      const g = randomArray(c.out ? c.out(N) : N, 8);
      const x0 = x.slice();
      const g0 = g.slice();
      c.call(x);
      c.vjp(g, x);
      expect(Array.from(x)).toEqual(Array.from(x0));
      expect(Array.from(g)).toEqual(Array.from(g0));
    });
    it(`${c.name}'s VJP rejects a cotangent of the wrong size`, () => {
      const x = randomArray(N, 7, 0.1, 2);
      const wrong = new Float64Array((c.out ? c.out(N) : N) + 1);
      expect(() => c.vjp(wrong, x)).toThrow(DdspError);
    });
  }

  it('binary ops reject NaN in either argument and do not mutate', () => {
    const a = randomArray(8, 1);
    const b = randomArray(8, 2, 0.5, 1);
    const [a0, b0] = [a.slice(), b.slice()];
    for (const [name, f, v] of [
      ['add', core.add, core.addVjp],
      ['sub', core.sub, core.subVjp],
      ['mul', core.mul, core.mulVjp],
    ] as const) {
      f(a, b);
      v(a, a, b);
      const bad = b.slice();
      bad[0] = NaN;
      expect(() => f(a, bad)).toThrow(`${name}: b[0] is NaN`);
    }
    core.safeDivide(a, b);
    core.safeDivideVjp(a, a, b);
    expect(Array.from(a)).toEqual(Array.from(a0));
    expect(Array.from(b)).toEqual(Array.from(b0));
  });

  it('options are validated with the function and option named', () => {
    const x = randomArray(4, 1);
    expect(() => core.expSigmoid(x, { exponent: -1 })).toThrow('expSigmoid: opts.exponent must be a positive finite number (got -1)');
    expect(() => core.powerToDb(x, { rangeDb: 0 })).toThrow('powerToDb: opts.rangeDb must be a positive finite number (got 0)');
    expect(() => core.safeLog(x, { eps: NaN })).toThrow('safeLog: opts.eps must be a positive finite number (got NaN)');
    expect(() => core.resample(x, 2.5)).toThrow('resample: nOut must be an integer >= 1 (got 2.5)');
    expect(() => core.frames(x, 3, 2)).toThrow('frames: data has 4 values, expected nFrames·channels = 3·2 = 6');
  });
});
