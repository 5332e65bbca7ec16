import { describe, it } from 'vitest';
import * as c from '../../src/core/index.ts';
import { fc, num, arrayOf, awayFrom, expectVjp } from '../helpers.ts';

describe('VJPs of the unit conversions match finite differences', () => {
  it('midiToHz and hzToMidi', () => {
    fc.assert(fc.property(arrayOf(num(0, 127)), (m) => expectVjp((v: Float64Array) => c.midiToHz(v), (g, v) => c.midiToHzVjp(g, v), m)));
    fc.assert(fc.property(arrayOf(num(20, 8000)), (f) => expectVjp(c.hzToMidi, c.hzToMidiVjp, f)));
    fc.assert(fc.property(arrayOf(num(-100, -1)), (f) => expectVjp(c.hzToMidi, c.hzToMidiVjp, f)));
  });
  it('unitToMidi and midiToUnit, clipped or not (away from the clip points)', () => {
    const o = fc.record({ midiMin: num(0, 40), midiSpan: num(10, 80), clip: fc.boolean() });
    fc.assert(fc.property(arrayOf(awayFrom(-0.5, 1.5, [0, 1])), o, (u, { midiMin, midiSpan, clip }) => {
      const opts = { midiMin, midiMax: midiMin + midiSpan, clip };
      expectVjp((v: Float64Array) => c.unitToMidi(v, opts), (g, v) => c.unitToMidiVjp(g, v, opts), u);
      const m = c.unitToMidi(u, { ...opts, clip: false });
      expectVjp((v: Float64Array) => c.midiToUnit(v, opts), (g, v) => c.midiToUnitVjp(g, v, opts), m);
    }));
  });
  it('unitToHz and hzToUnit', () => {
    const o = fc.record({ hzMin: num(20, 200), ratio: num(2, 100), clip: fc.boolean() });
    fc.assert(fc.property(arrayOf(awayFrom(-0.3, 1.3, [0, 1])), o, (u, { hzMin, ratio, clip }) => {
      const opts = { hzMin, hzMax: hzMin * ratio, clip };
      expectVjp((v: Float64Array) => c.unitToHz(v, opts), (g, v) => c.unitToHzVjp(g, v, opts), u);
      const f = c.unitToHz(u, { ...opts, clip: false });
      expectVjp((v: Float64Array) => c.hzToUnit(v, opts), (g, v) => c.hzToUnitVjp(g, v, opts), f);
    }));
  });
  it('powerToDb and amplitudeToDb, in range and (zero gradient) below the floor', () => {
    const o = fc.record({ refDb: num(-20, 20), rangeDb: num(60, 120) });
    fc.assert(fc.property(arrayOf(num(1e-3, 100)), o, (p, opts) => {
      expectVjp((v: Float64Array) => c.powerToDb(v, opts), (g, v) => c.powerToDbVjp(g, v, opts), p);
    }));
    fc.assert(fc.property(arrayOf(fc.oneof(num(-10, -0.05), num(0.05, 10))), o, (a, opts) => {
      expectVjp((v: Float64Array) => c.amplitudeToDb(v, opts), (g, v) => c.amplitudeToDbVjp(g, v, opts), a);
    }));
    const floor = { rangeDb: 40 };
    fc.assert(fc.property(arrayOf(num(0.1, 0.5)), (s) => {
      const tiny = s.map((v) => v * 1e-6);
      expectVjp((v: Float64Array) => c.powerToDb(v, floor), (g, v) => c.powerToDbVjp(g, v, floor), tiny, { eps: 1e-9 });
    }));
  });
  it('dbToPower and dbToAmplitude', () => {
    fc.assert(fc.property(arrayOf(num(-60, 40)), (db) => {
      expectVjp(c.dbToPower, c.dbToPowerVjp, db);
      expectVjp(c.dbToAmplitude, c.dbToAmplitudeVjp, db);
    }));
  });
});
