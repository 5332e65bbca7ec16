import { describe, it } from 'vitest';
import * as c from '../../src/core/index.ts';
import { fc, num, arrayOf, awayFrom, expectVjp } from '../helpers.ts';

describe('VJPs of the scaling nonlinearities match finite differences', () => {
  it('expSigmoid (random exponent, maxValue, threshold)', () => {
    const opts = fc.record({ exponent: num(1.5, 20), maxValue: num(0.1, 5), threshold: num(0, 1e-3) });
    fc.assert(fc.property(arrayOf(num(-10, 10)), opts, (x, o) => {
      expectVjp((v: Float64Array) => c.expSigmoid(v, o), (g, v) => c.expSigmoidVjp(g, v, o), x);
    }));
  });
  it('symExpSigmoid (away from the kink at 0)', () => {
    fc.assert(fc.property(arrayOf(awayFrom(-6, 6, [0])), num(1, 10), (x, width) => {
      expectVjp((v: Float64Array) => c.symExpSigmoid(v, { width }), (g, v) => c.symExpSigmoidVjp(g, v, { width }), x);
    }));
  });
  it('softplus', () => {
    fc.assert(fc.property(arrayOf(num(-30, 30)), (x) => expectVjp(c.softplus, c.softplusVjp, x)));
  });
  it('softLimit (random limits)', () => {
    fc.assert(fc.property(arrayOf(num(-10, 10)), num(-5, 5), num(0.1, 5), (x, xMin, range) => {
      const o = { xMin, xMax: xMin + range };
      expectVjp((v: Float64Array) => c.softLimit(v, o), (g, v) => c.softLimitVjp(g, v, o), x);
    }));
  });
  it('logScale (random range)', () => {
    fc.assert(fc.property(arrayOf(num(-1.5, 1.5)), num(0.01, 10), num(1, 1000), (x, minX, ratio) => {
      const o = { minX, maxX: minX * ratio };
      expectVjp((v: Float64Array) => c.logScale(v, o), (g, v) => c.logScaleVjp(g, v, o), x);
    }));
  });
});

describe('VJPs of safeLog and safeDivide', () => {
  it('safeLog on positive inputs, and zero gradient where x ≤ 0 was replaced', () => {
    fc.assert(fc.property(arrayOf(num(0.01, 10)), (x) => expectVjp((v: Float64Array) => c.safeLog(v), (g, v) => c.safeLogVjp(g, v), x)));
    fc.assert(fc.property(arrayOf(num(-10, -0.01)), (x) => expectVjp((v: Float64Array) => c.safeLog(v), (g, v) => c.safeLogVjp(g, v), x)));
  });
  it('safeDivide in numerator and denominator', () => {
    const pair = fc.integer({ min: 1, max: 48 }).chain((n) =>
      fc.tuple(arrayOf(num(-5, 5), n, n), arrayOf(fc.oneof(num(-10, -0.1), num(0.1, 10)), n, n)),
    );
    fc.assert(fc.property(pair, ([n, d]) => {
      expectVjp(
        ([a, b]: readonly [Float64Array, Float64Array]) => c.safeDivide(a, b),
        (g, [a, b]) => c.safeDivideVjp(g, a, b),
        [n, d] as const,
      );
    }));
  });
});
