import { describe, it } from 'vitest';
import * as c from '../../src/core/index.ts';
import { frames } from '../../src/core/frames.ts';
import { fc, num, arrayOf, expectVjp, expectAdjoint } from '../helpers.ts';

/** A signal or frames [T, C] with T in [minT, maxT]. */
const shaped = (minT = 1, maxT = 64) =>
  fc.tuple(fc.integer({ min: minT, max: maxT }), fc.integer({ min: 1, max: 3 }), fc.boolean()).chain(([t, ch, asFrames]) =>
    arrayOf(num(-2, 2), t * ch, t * ch).map((d) => (asFrames || ch > 1 ? frames(d, t, ch) : d)),
  );

describe('linear ops: adjoint pairs and VJPs', () => {
  it('cumsum ↔ reverseCumsum, per channel', () => {
    fc.assert(fc.property(shaped(), (x) => {
      expectAdjoint((v: c.Signal) => c.cumsum(v), (g: c.Signal) => c.cumsumVjp(g, x), x);
      expectAdjoint((v: c.Signal) => c.reverseCumsum(v), (g: c.Signal) => c.reverseCumsumVjp(g, x), x);
      expectVjp((v: c.Signal) => c.cumsum(v), (g, v) => c.cumsumVjp(g, v), x);
      expectVjp((v: c.Signal) => c.reverseCumsum(v), (g, v) => c.reverseCumsumVjp(g, v), x);
    }));
  });
  it('diff', () => {
    fc.assert(fc.property(shaped(), (x) => {
      expectAdjoint((v: c.Signal) => c.diff(v), (g: c.Signal) => c.diffVjp(g, x), x);
      expectVjp((v: c.Signal) => c.diff(v), (g, v) => c.diffVjp(g, v), x);
    }));
  });
  it('resample, any method, endpoint mode, up or down', () => {
    const o = fc.record({ method: fc.constantFrom('linear' as const, 'nearest' as const), addEndpoint: fc.boolean() });
    fc.assert(fc.property(shaped(1, 40), fc.integer({ min: 1, max: 200 }), o, (x, nOut, opts) => {
      expectAdjoint((v: c.Signal) => c.resample(v, nOut, opts), (g: c.Signal) => c.resampleVjp(g, x, nOut, opts), x);
      expectVjp((v: c.Signal) => c.resample(v, nOut, opts), (g, v) => c.resampleVjp(g, v, nOut, opts), x);
    }));
  });
  it('upsampleWithWindows, with and without endpoint', () => {
    const arb = fc.tuple(shaped(2, 30), fc.integer({ min: 2, max: 16 }), fc.boolean());
    fc.assert(fc.property(arb, ([x, hop, addEndpoint]) => {
      const n = x instanceof Float64Array ? x.length : x.shape[0];
      const nOut = (addEndpoint ? n : n - 1) * hop;
      const opts = { addEndpoint };
      expectAdjoint((v: c.Signal) => c.upsampleWithWindows(v, nOut, opts), (g: c.Signal) => c.upsampleWithWindowsVjp(g, x, nOut, opts), x);
      expectVjp((v: c.Signal) => c.upsampleWithWindows(v, nOut, opts), (g, v) => c.upsampleWithWindowsVjp(g, v, nOut, opts), x);
    }));
  });
  it('pad ↔ crop', () => {
    fc.assert(fc.property(shaped(), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), (x, before, after) => {
      expectAdjoint((v: c.Signal) => c.pad(v, before, after), (g: c.Signal) => c.padVjp(g, x, before, after), x);
      expectVjp((v: c.Signal) => c.pad(v, before, after, { value: 0.5 }), (g, v) => c.padVjp(g, v, before, after), x);
      const big = c.pad(x, before, after);
      expectAdjoint((v: c.Signal) => c.crop(v, before, after), (g: c.Signal) => c.cropVjp(g, big, before, after), big);
      expectVjp((v: c.Signal) => c.crop(v, before, after), (g, v) => c.cropVjp(g, v, before, after), big);
      expectVjp((v: c.Signal) => c.centerCrop(v, 2 * before + 1), (g, v) => c.centerCropVjp(g, v, 2 * before + 1), c.pad(x, before, before));
    }));
  });
});
