import { describe, it, expect } from 'vitest';
import { expSigmoid, symExpSigmoid, softplus, softLimit, logScale, frames } from '../../src/core/index.ts';
import { expectClose, f64, linspace } from '../helpers.ts';

// Independent evaluations of the formulas, written naively.
const naiveSigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const naiveExpSigmoid = (x: number, e = 10, m = 2, t = 1e-7) => m * Math.pow(naiveSigmoid(x), Math.log(e)) + t;

describe('expSigmoid', () => {
  it('matches the values DDSP documents: 0 → 0.4054, −3 → 1.79e-3, −5 → 1.98e-5, −10 → ≈1e-7', () => {
    const y = expSigmoid(f64(0, -3, -5, -10));
    expect(y[0]).toBeCloseTo(0.4054, 4);
    expect(y[1]).toBeCloseTo(1.79e-3, 5);
    expect(y[2]).toBeCloseTo(1.98e-5, 7);
    expect(y[3]).toBeGreaterThan(1e-7);
    expect(y[3]).toBeLessThan(1.1e-7);
  });
  it('equals m·σ(x)^ln(e) + θ computed naively, with custom options', () => {
    const x = linspace(-8, 8, 33);
    const y = expSigmoid(x, { exponent: 3, maxValue: 5, threshold: 0.01 });
    expectClose(y, Array.from(x, (v) => naiveExpSigmoid(v, 3, 5, 0.01)), 1e-13);
  });
  it('approaches maxValue + threshold for large x and stays finite for huge |x|', () => {
    const y = expSigmoid(f64(1000, -1000));
    expect(y[0]).toBeCloseTo(2.0000001, 12);
    expect(y[1]).toBe(1e-7);
  });
  it('keeps the shape of frames', () => {
    const y = expSigmoid(frames(f64(0, 0, 0, 0, 0, 0), 3, 2));
    expect(y.shape).toEqual([3, 2]);
    expect(y.get(2, 1)).toBeCloseTo(0.4054, 4);
  });
});

describe('symExpSigmoid', () => {
  it('is expSigmoid(w·(|x|/2 − 1)): even in x, and equals expSigmoid(0) at |x| = 2', () => {
    const x = linspace(-4, 4, 17);
    const y = symExpSigmoid(x, { width: 8 });
    expectClose(y, Array.from(x, (v) => naiveExpSigmoid(8 * (Math.abs(v) / 2 - 1))), 1e-13);
    expect(symExpSigmoid(f64(2))[0]).toBeCloseTo(0.4054, 4);
    expect(symExpSigmoid(f64(-1.3))[0]).toBe(symExpSigmoid(f64(1.3))[0]);
  });
});

describe('softplus', () => {
  it('equals ln(1 + eˣ) and stays exact for large |x|', () => {
    const x = linspace(-20, 20, 41);
    expectClose(softplus(x), Array.from(x, (v) => Math.log(1 + Math.exp(v))), 1e-14);
    const big = softplus(f64(800, -800));
    expect(big[0]).toBe(800);
    expect(big[1]).toBe(0);
  });
});

describe('softLimit', () => {
  it('equals softplus(x) + min − softplus(x − (max − min)) and saturates at the limits', () => {
    const sp = (v: number) => Math.log(1 + Math.exp(v));
    const x = linspace(-10, 10, 21);
    expectClose(softLimit(x, { xMin: -1, xMax: 3 }), Array.from(x, (v) => sp(v) - 1 - sp(v - 4)), 1e-13);
    const y = softLimit(f64(-100, 100), { xMin: 0, xMax: 1 });
    expect(y[0]).toBeCloseTo(0, 12);
    expect(y[1]).toBeCloseTo(1, 12);
  });
  it('rejects xMax ≤ xMin', () => {
    expect(() => softLimit(f64(0), { xMin: 1, xMax: 1 })).toThrow('softLimit: opts.xMax must be greater than opts.xMin');
  });
});

describe('logScale', () => {
  it('maps −1, 0, 1 to min, √(min·max), max', () => {
    expectClose(logScale(f64(-1, 0, 1), { minX: 20, maxX: 8000 }), [20, Math.sqrt(20 * 8000), 8000], 1e-14);
  });
  it('requires positive bounds', () => {
    expect(() => logScale(f64(0), { minX: 0, maxX: 1 })).toThrow('logScale: opts.minX must be a positive finite number (got 0)');
  });
});
