import { describe, it, expect } from 'vitest';
import { loudness, rmsEnergy, powerDb, yin, aWeightingDb } from '../../src/spectral/index.ts';
import { randomArray } from '../helpers.ts';

const SR = 16000;
const sine = (f: number, a: number, n: number, phase = 0) => Float64Array.from({ length: n }, (_, i) => a * Math.sin((2 * Math.PI * f * i) / SR + phase));

/**
 * Loudness evaluated independently: the IEC 61672 A-weighting written in its R_A form,
 * naive DFTs of centred, zero-padded, periodic-Hann frames, mean weighted power, 10·log₁₀.
 */
function loudnessOracle(x: Float64Array, nFft = 512, hop = 64): number[] {
  const RA = (f: number) => (12194 ** 2 * f ** 4) / ((f ** 2 + 20.6 ** 2) * Math.sqrt((f ** 2 + 107.7 ** 2) * (f ** 2 + 737.9 ** 2)) * (f ** 2 + 12194 ** 2));
  const A = (f: number) => (f === 0 ? -80 : Math.max(-80, 20 * Math.log10(RA(f)) + 2.0));
  const padded = [...new Float64Array(nFft / 2), ...x, ...new Float64Array(nFft / 2)];
  const n = Math.floor(x.length / hop) + 1;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    let acc = 0;
    for (let k = 0; k <= nFft / 2; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < nFft; i++) {
        const v = padded[t * hop + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nFft));
        re += v * Math.cos((2 * Math.PI * k * i) / nFft);
        im -= v * Math.sin((2 * Math.PI * k * i) / nFft);
      }
      acc += (re * re + im * im) * 10 ** (A((k * SR) / nFft) / 10);
    }
    out.push(Math.max(-80, 10 * Math.log10(Math.max(1e-8, acc / (nFft / 2 + 1)))));
  }
  return out;
}

describe('loudness (DDSP v3)', () => {
  it('of silence is the −80 dB floor, with 1001 frames for 4 s', () => {
    const l = loudness(new Float64Array(64000));
    expect(l.length).toBe(1001);
    expect(l.every((v) => v === -80)).toBe(true);
  });
  it('of a full-scale sine is 6.02 dB above the half-scale one, and goes above 0 dB (no ceiling)', () => {
    const full = loudness(sine(440, 1, 16000));
    const half = loudness(sine(440, 0.5, 16000));
    expect(full[100] - half[100]).toBeCloseTo(20 * Math.log10(2), 9);
    expect(full[100]).toBeGreaterThan(14);
    expect(full[100]).toBeLessThan(18);
  });
  it('equals an independent evaluation of its formula for sines at several frequencies and for noise', () => {
    for (const x of [sine(100, 0.8, 2048), sine(1000, 0.3, 2048, 1), sine(5000, 0.5, 2048), randomArray(2048, 9, -0.5, 0.5)]) {
      const ours = loudness(x);
      const ref = loudnessOracle(x);
      for (let t = 0; t < ref.length; t++) expect(Math.abs(ours[t] - ref[t])).toBeLessThan(0.005); // IEC constants are rounded
    }
  });
  it('A-weighting is ≈ 0 dB at 1 kHz and −19.1 dB at 100 Hz', () => {
    expect(aWeightingDb(1000)).toBeCloseTo(0, 1);
    expect(aWeightingDb(100)).toBeCloseTo(-19.1, 1);
    expect(aWeightingDb(0)).toBe(-80);
  });
  it("'v1' reproduces the pre-2.0 convention: 1000 frames for 4 s, per-bin dB with a −120 floor", () => {
    const l = loudness(new Float64Array(64000), { convention: 'v1' });
    expect(l.length).toBe(1000);
    expect(l.every((v) => v === -120)).toBe(true);
    expect(loudness(sine(440, 1, 16000), { convention: 'v1' })[30]).toBeGreaterThan(loudness(sine(440, 0.1, 16000), { convention: 'v1' })[30]);
  });
});

describe('rmsEnergy and powerDb', () => {
  it('RMS of a sine over whole periods is a/√2; power in dB is 20·log10 of it', () => {
    const x = sine(500, 0.6, 8000);
    const r = rmsEnergy(x);
    expect(r[50]).toBeCloseTo(0.6 / Math.SQRT2, 12);
    expect(powerDb(x)[50]).toBeCloseTo(20 * Math.log10(0.6 / Math.SQRT2), 10);
    expect(powerDb(new Float64Array(640))[3]).toBe(-80);
    expect(rmsEnergy(x, { padding: 'same' }).length).toBe(125);
    expect(rmsEnergy(x, { padding: 'valid' }).length).toBe(Math.floor((8000 - 512) / 64) + 1);
  });
});

describe('yin', () => {
  function harmonicTone(f0: number, n: number): Float64Array {
    const out = new Float64Array(n);
    for (let k = 1; k * f0 < SR / 2 && k <= 20; k++) {
      for (let i = 0; i < n; i++) out[i] += (0.5 / k) * Math.sin((2 * Math.PI * k * f0 * i) / SR + k);
    }
    return out;
  }
  it('tracks clean harmonic tones from 50 Hz to 2 kHz within 50 cents on ≥ 99% of voiced frames', () => {
    for (const f0 of [50, 73.4, 110, 196, 330, 440, 660, 987.8, 1500, 2000]) {
      const { f0Hz, confidence } = yin(harmonicTone(f0, 8000));
      let voiced = 0;
      let good = 0;
      for (let t = 5; t < f0Hz.length - 5; t++) {
        if (confidence[t] < 0.5) continue;
        voiced++;
        if (Math.abs(1200 * Math.log2(f0Hz[t] / f0)) < 50) good++;
      }
      expect(voiced).toBeGreaterThan(0.9 * (f0Hz.length - 10));
      expect(good / voiced).toBeGreaterThanOrEqual(0.99);
    }
  });
  it('gives low confidence on noise and zero on silence', () => {
    const noise = yin(randomArray(8000, 4));
    const mean = noise.confidence.reduce((s, v) => s + v, 0) / noise.confidence.length;
    expect(mean).toBeLessThan(0.5);
    const silence = yin(new Float64Array(4000));
    expect(silence.confidence.every((v) => v === 0)).toBe(true);
    expect(silence.f0Hz.every((v) => v === 0)).toBe(true);
  });
  it('names bad options', () => {
    expect(() => yin(new Float64Array(100), { fMax: 9000 })).toThrow('yin: opts.fMax must be below Nyquist 8000 (got 9000)');
  });
});
