import { describe, it, expect } from 'vitest';
import { add, sub, mul, scale, sumAll, mean, frames } from '../../src/core/index.ts';
import { f64 } from '../helpers.ts';

describe('elementwise arithmetic', () => {
  it('add, sub, mul and scale act elementwise', () => {
    const a = f64(1, 2, 3);
    const b = f64(4, -5, 0.5);
    expect(Array.from(add(a, b))).toEqual([5, -3, 3.5]);
    expect(Array.from(sub(a, b))).toEqual([-3, 7, 2.5]);
    expect(Array.from(mul(a, b))).toEqual([4, -10, 1.5]);
    expect(Array.from(scale(a, -2))).toEqual([-2, -4, -6]);
  });
  it('sumAll and mean reduce to one value', () => {
    expect(Array.from(sumAll(f64(1, 2, 3.5)))).toEqual([6.5]);
    expect(Array.from(mean(frames(f64(1, 2, 3, 6), 2, 2)))).toEqual([3]);
    expect(() => mean(new Float64Array(0))).toThrow('mean: x must not be empty');
  });
  it('frames in, frames out', () => {
    const y = add(frames(f64(1, 2, 3, 4), 2, 2), frames(f64(1, 1, 1, 1), 2, 2));
    expect(y.shape).toEqual([2, 2]);
    expect(y.get(1, 1)).toBe(5);
  });
  it('reject different lengths, naming both', () => {
    expect(() => mul(f64(1, 2, 3), f64(1, 2))).toThrow('mul: a and b must have the same length (got 3 and 2)');
  });
});
