import { describe, it } from 'vitest';
import { fftConvolve, fftConvolveVjp } from '../../src/spectral/convolve.ts';
import { frequencyImpulseResponse, frequencyImpulseResponseVjp } from '../../src/spectral/firDesign.ts';
import { frequencyFilter, frequencyFilterVjp } from '../../src/spectral/frequencyFilter.ts';
import { filteredNoise, filteredNoiseVjp } from '../../src/synths/filteredNoise.ts';
import { frames, type Frames, type Signal } from '../../src/core/frames.ts';
import { fc, num, arrayOf, expectVjp, expectAdjoint } from '../helpers.ts';

// Band counts: powers of two plus one (FFT path) and others (direct path); windows shorter, equal, longer.
const bandsArb = fc.constantFrom(2, 3, 5, 9, 12, 17, 33);
const windowArb = fc.constantFrom(0, 3, 4, 7, 16, 100);

describe('frequencyImpulseResponse: linear, exact adjoint and VJP', () => {
  it('on one response and on frames', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 4 }), bandsArb, windowArb, fc.boolean()).chain(([F, B, ws, shaped]) =>
      arrayOf(num(0, 2), F * B, F * B).map((d) => ({ m: (shaped ? frames(d, F, B) : d.slice(0, B)) as Signal, ws })),
    );
    fc.assert(fc.property(arb, ({ m, ws }) => {
      const o = { windowSize: ws };
      expectAdjoint((x: Signal) => frequencyImpulseResponse(x, o), (g: Signal) => frequencyImpulseResponseVjp(g, m, o), m);
      expectVjp((x: Signal) => frequencyImpulseResponse(x, o), (g, x) => frequencyImpulseResponseVjp(g, x, o), m);
    }));
  });
});

describe('fftConvolve VJP in audio and IR', () => {
  it('single and time-varying IRs, same and valid, any delay', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 20 }), fc.constantFrom('same' as const, 'valid' as const), fc.integer({ min: -1, max: 6 }))
      .filter(([N, F]) => Math.ceil(N / Math.ceil(N / F)) === F)
      .chain(([N, F, L, padding, delayCompensation]) =>
        fc.record({
          x: arrayOf(num(-1, 1), N, N),
          ir: arrayOf(num(-1, 1), F * L, F * L).map((d) => (F === 1 ? d : frames(d, F, L)) as Signal),
          o: fc.constant({ padding, delayCompensation }),
        }),
      );
    fc.assert(fc.property(arb, ({ x, ir, o }) => {
      type X = { x: Float64Array; ir: Signal };
      expectVjp((z: X) => fftConvolve(z.x, z.ir, o), (g: Float64Array, z: X) => {
        const r = fftConvolveVjp(g, z.x, z.ir, o);
        return { x: r.audio, ir: r.ir };
      }, { x, ir });
      // Linear in each argument separately: exact adjoints, up to FFT rounding relative to
      // ‖A‖·‖u‖·‖v‖ (‖A‖ ≤ ‖ir‖₁ or ‖x‖₁; u, v standard normal).
      const l1 = (a: Signal) => Array.from(a instanceof Float64Array ? a : a.data).reduce((s, v) => s + Math.abs(v), 0);
      const dims = Math.sqrt((x.length + 20) * (x.length + 20 * 6));
      expectAdjoint((a: Float64Array) => fftConvolve(a, ir, o), (g: Float64Array) => fftConvolveVjp(g, x, ir, o).audio, x, 1e-13 * l1(ir) * dims);
      expectAdjoint((h: Signal) => fftConvolve(x, h, o), (g: Float64Array) => fftConvolveVjp(g, x, ir, o).ir, ir, 1e-13 * l1(x) * dims);
    }));
  });
});

describe('frequencyFilter and filteredNoise VJPs', () => {
  it('match finite differences in audio and magnitudes', () => {
    const arb = fc.tuple(fc.constantFrom(1, 2, 4), fc.constantFrom(5, 9, 17), windowArb, fc.integer({ min: 4, max: 16 })).chain(([F, B, ws, hop]) =>
      fc.record({ x: arrayOf(num(-1, 1), F * hop, F * hop), m: arrayOf(num(0, 1), F * B, F * B).map((d) => frames(d, F, B)), ws: fc.constant(ws) }),
    );
    fc.assert(fc.property(arb, ({ x, m, ws }) => {
      const o = { windowSize: ws };
      type X = { x: Float64Array; m: Frames };
      expectVjp((z: X) => frequencyFilter(z.x, z.m, o), (g: Float64Array, z: X) => {
        const r = frequencyFilterVjp(g, z.x, z.m, o);
        return { x: r.audio, m: r.magnitudes };
      }, { x, m });
      const no = { nSamples: x.length, windowSize: ws, seed: 11 };
      expectVjp((mm: Frames) => filteredNoise(mm, no), (g: Float64Array, mm: Frames) => filteredNoiseVjp(g, mm, no), m);
    }));
  });
});
