import { describe, it, expect } from 'vitest';
import { meanDifference, spectralLoss, makeSpectralLoss } from '../../src/losses/index.ts';
import { frames } from '../../src/core/frames.ts';
import { f64, randomArray } from '../helpers.ts';

describe('meanDifference', () => {
  it('L1, L2 (with weights) and cosine', () => {
    expect(meanDifference(f64(1, 2), f64(1, 4))[0]).toBe(1);
    expect(meanDifference(f64(1, 2), f64(1, 4), { lossType: 'L2' })[0]).toBe(2);
    expect(meanDifference(f64(1, 2), f64(2, 4), { lossType: 'l2', weights: f64(1, 0.5) })[0]).toBe(1.5);
    expect(meanDifference(frames(f64(1, 0, 0, 1), 2, 2), frames(f64(2, 0, 1, 0), 2, 2), { lossType: 'COSINE' })[0]).toBe(0.5);
    expect(() => meanDifference(f64(1), f64(1, 2))).toThrow('meanDifference: target and value must have the same size (got 1 and 2)');
  });
});

describe('spectralLoss', () => {
  const x = randomArray(8000, 1, -0.5, 0.5).map((v, i) => v * 0.1 + 0.5 * Math.sin(i * 0.2));
  it('of a signal with itself is 0, for every term', () => {
    const all = { magWeight: 1, logmagWeight: 1, deltaTimeWeight: 1, deltaFreqWeight: 1, cumsumFreqWeight: 1, loudnessWeight: 1, convergenceWeight: 1, logMelWeight: 1 };
    expect(spectralLoss(x, x, all)[0]).toBe(0);
  });
  it('grows with added noise', () => {
    const L = makeSpectralLoss(x, { logmagWeight: 1 });
    const values = [0.001, 0.01, 0.1, 1].map((a) => L.loss(x.map((v, i) => v + a * Math.sin(i * 1.7 + i * i * 0.001))));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(values[0]).toBeGreaterThan(0);
  });
  it('with all six DDSP weights at 1 is a finite scalar, and terms() splits it', () => {
    const y = x.map((v) => v * 0.5);
    const opts = { magWeight: 1, logmagWeight: 1, deltaTimeWeight: 1, deltaFreqWeight: 1, cumsumFreqWeight: 1, loudnessWeight: 1 };
    const v = spectralLoss(x, y, opts)[0];
    expect(Number.isFinite(v)).toBe(true);
    const parts = makeSpectralLoss(x, opts).terms(y);
    expect(Object.values(parts).reduce((a, b) => a + b, 0)).toBeCloseTo(v, 9);
    expect(Object.keys(parts).sort()).toEqual(['cumsumFreq', 'deltaFreq', 'deltaTime', 'logmag', 'loudness', 'mag']);
  });
  it('rejects a value of another length and sizes that are not powers of two', () => {
    expect(() => spectralLoss(x, x.slice(1))).toThrow("spectralLoss: value must have the target's length 8000 (got 7999)");
    expect(() => spectralLoss(x, x, { fftSizes: [1000] })).toThrow('spectralLoss: opts.fftSizes[0] must be a power of two in [2, 2^20] (got 1000)');
  });
});
