import { describe, it } from 'vitest';
import * as c from '../../src/core/index.ts';
import { fc, num, arrayOf, expectVjp, expectAdjoint } from '../helpers.ts';

const pairs = fc.integer({ min: 1, max: 64 }).chain((n) => fc.tuple(arrayOf(num(-3, 3), n, n), arrayOf(num(-3, 3), n, n)));
type P = readonly [Float64Array, Float64Array];

describe('VJPs of elementwise arithmetic', () => {
  it('add, sub and mul in both arguments', () => {
    fc.assert(fc.property(pairs, ([a, b]) => {
      expectVjp(([x, y]: P) => c.add(x, y), (g, [x, y]) => c.addVjp(g, x, y), [a, b] as P);
      expectVjp(([x, y]: P) => c.sub(x, y), (g, [x, y]) => c.subVjp(g, x, y), [a, b] as P);
      expectVjp(([x, y]: P) => c.mul(x, y), (g, [x, y]) => c.mulVjp(g, x, y), [a, b] as P);
    }));
  });
  it('scale, sumAll and mean are linear with exact adjoints', () => {
    fc.assert(fc.property(arrayOf(num(-3, 3)), fc.oneof(num(-4, -1e-3), num(1e-3, 4), fc.constant(0)), (x, s) => {
      expectVjp((v: Float64Array) => c.scale(v, s), (g, v) => c.scaleVjp(g, v, s), x);
      expectAdjoint((v: Float64Array) => c.scale(v, s), (g: Float64Array) => c.scaleVjp(g, x, s), x);
      expectAdjoint(c.sumAll, (g: Float64Array) => c.sumAllVjp(g, x), x);
      expectAdjoint(c.mean, (g: Float64Array) => c.meanVjp(g, x), x);
      expectVjp(c.mean, (g: Float64Array, v: Float64Array) => c.meanVjp(g, v), x);
    }));
  });
});
