import { describe, it, expect } from 'vitest';
import {
  midiToHz, hzToMidi, unitToMidi, midiToUnit, unitToHz, hzToUnit,
  powerToDb, amplitudeToDb, dbToPower, dbToAmplitude,
} from '../../src/core/index.ts';
import { expectClose, f64, linspace } from '../helpers.ts';

describe('midiToHz / hzToMidi', () => {
  it('midiToHz of MIDI 0..127 equals 440·2^((m−69)/12) (librosa.midi_to_hz)', () => {
    const m = linspace(0, 127, 128);
    expectClose(midiToHz(m), Array.from(m, (v) => 440 * Math.pow(2, (v - 69) / 12)), 1e-14);
    expect(midiToHz(f64(60))[0]).toBeCloseTo(261.6255653, 6);
  });
  it('midiToHz with midiZeroSilence maps exactly 0 to 0 Hz', () => {
    expect(Array.from(midiToHz(f64(0, 69), { midiZeroSilence: true }))).toEqual([0, 440]);
    expect(midiToHz(f64(0))[0]).toBeCloseTo(8.1757989, 6);
  });
  it('hzToMidi on linspace(0, 20000, 128) is 12·log2(f/440) + 69, with 0 Hz → 0', () => {
    const f = linspace(0, 20000, 128);
    const y = hzToMidi(f);
    expect(y[0]).toBe(0);
    expectClose(y.subarray(1), Array.from(f.subarray(1), (v) => 12 * Math.log2(v / 440) + 69), 1e-13);
    expect(hzToMidi(f64(-5))[0]).toBe(0);
  });
  it('round-trips', () => {
    const m = linspace(10, 120, 23);
    expectClose(hzToMidi(midiToHz(m)), m, 1e-13);
  });
});

describe('unitToMidi / midiToUnit', () => {
  it('maps [0, 1] onto [midiMin, midiMax] and back; clips only when asked', () => {
    const u = linspace(-1, 2, 1000);
    expectClose(unitToMidi(u), Array.from(u, (v) => 20 + 70 * v), 1e-14);
    expectClose(unitToMidi(u, { clip: true }), Array.from(u, (v) => 20 + 70 * Math.min(1, Math.max(0, v))), 1e-14);
    const m = linspace(0, 127, 1000);
    expectClose(midiToUnit(m), Array.from(m, (v) => (v - 20) / 70), 1e-14);
    expectClose(midiToUnit(m, { clip: true }), Array.from(m, (v) => Math.min(1, Math.max(0, (v - 20) / 70))), 1e-14);
    expectClose(midiToUnit(unitToMidi(u, { midiMin: 30, midiMax: 50 }), { midiMin: 30, midiMax: 50 }), u, 1e-13);
  });
});

describe('unitToHz / hzToUnit', () => {
  it('unit linspace(0, 1, 128) ↔ logspace(20 Hz, 1000 Hz, 128)', () => {
    const u = linspace(0, 1, 128);
    const hz = Array.from(u, (v) => Math.pow(10, Math.log10(20) + v * (Math.log10(1000) - Math.log10(20))));
    expectClose(unitToHz(u, { hzMin: 20, hzMax: 1000 }), hz, 1e-12);
    expectClose(hzToUnit(Float64Array.from(hz), { hzMin: 20, hzMax: 1000 }), u, 1e-12);
  });
  it('requires hzMin and hzMax', () => {
    expect(() => unitToHz(f64(0), undefined as never)).toThrow('unitToHz: opts.hzMin and opts.hzMax are required');
    expect(() => hzToUnit(f64(0), { hzMin: 100, hzMax: 50 })).toThrow('hzToUnit: opts.hzMax must be greater than opts.hzMin');
  });
});

describe('power/amplitude ↔ dB', () => {
  // librosa.power_to_db(S, ref=1, amin=1e-10, top_db=range): 10·log10(max(amin, S)), floored at max − top_db.
  const librosaPowerToDb = (s: Float64Array, range: number) => {
    const db = Array.from(s, (v) => 10 * Math.log10(Math.max(1e-10, v)));
    const top = Math.max(...db);
    return db.map((v) => Math.max(v, top - range));
  };
  // sin² peaks just below 1 on this grid; a leading exact 1 makes librosa's max-relative floor equal DDSP's absolute one.
  const x = Float64Array.from([1, ...Array.from(linspace(0, 100 * Math.PI, 16000), (t) => Math.sin(t) ** 2)]);

  for (const range of [100, 80, 1]) {
    it(`powerToDb of sin²(linspace(0, 100π, 16000)) matches librosa with range ${range}`, () => {
      expectClose(powerToDb(x, { rangeDb: range }), librosaPowerToDb(x, range), 1e-9);
    });
    it(`amplitudeToDb(a) = powerToDb(a²), range ${range}`, () => {
      const a = Float64Array.from(x, Math.sqrt);
      expectClose(amplitudeToDb(a, { rangeDb: range }), librosaPowerToDb(x, range), 1e-9);
    });
  }
  it('subtracts refDb and then floors at −rangeDb', () => {
    expect(Array.from(powerToDb(f64(100, 1, 1e-9), { refDb: 20, rangeDb: 80 }))).toEqual([0, -20, -80]);
    expect(Array.from(amplitudeToDb(f64(10, 0.1)))).toEqual([20, -20]);
  });
  it('dbToPower and dbToAmplitude invert them', () => {
    expectClose(dbToPower(f64(-20, 0, 30)), [0.01, 1, 1000], 1e-14);
    expectClose(dbToAmplitude(f64(-20, 0, 40)), [0.1, 1, 100], 1e-14);
    const p = linspace(0.01, 5, 50);
    expectClose(dbToPower(powerToDb(p)), p, 1e-13);
    expectClose(dbToAmplitude(amplitudeToDb(p)), p, 1e-13);
  });
});
