import { describe, it, expect } from 'vitest';
import { safeLog, safeDivide } from '../../src/core/index.ts';
import { f64 } from '../helpers.ts';

describe('safeLog (DDSP semantics)', () => {
  it('is ln(x) for x > 0 — tiny positive values are NOT clamped', () => {
    const y = safeLog(f64(Math.E, 1, 1e-30));
    expect(y[0]).toBeCloseTo(1, 15);
    expect(y[1]).toBe(0);
    expect(y[2]).toBeCloseTo(Math.log(1e-30), 12);
  });
  it('replaces only values ≤ 0 by eps', () => {
    const y = safeLog(f64(0, -3), { eps: 1e-3 });
    expect(y[0]).toBeCloseTo(Math.log(1e-3), 15);
    expect(y[1]).toBeCloseTo(Math.log(1e-3), 15);
    expect(safeLog(f64(0))[0]).toBeCloseTo(Math.log(1e-5), 15);
  });
});

describe('safeDivide (DDSP semantics)', () => {
  it('replaces only exact zeros in the denominator', () => {
    const y = safeDivide(f64(1, 1, 1, 3), f64(2, 0, -1e-12, -4));
    expect(Array.from(y)).toEqual([0.5, 1 / 1e-7, 1 / -1e-12, -0.75]);
  });
  it('names mismatched lengths', () => {
    expect(() => safeDivide(f64(1, 2), f64(1))).toThrow('safeDivide: n and d must have the same length (got 2 and 1)');
  });
});
