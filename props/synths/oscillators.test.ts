import { describe, it } from 'vitest';
import { oscillatorBank, oscillatorBankVjp } from '../../src/synths/oscillatorBank.ts';
import { harmonicSynth, harmonicSynthVjp, normalizeHarmonics, normalizeHarmonicsVjp } from '../../src/synths/harmonic.ts';
import { frames, type Frames } from '../../src/core/frames.ts';
import { fc, num, arrayOf, expectVjp } from '../helpers.ts';

const SR = 16000;

describe('oscillatorBank VJP (amplitudes, frequencies, initial and final phase)', () => {
  it('matches finite differences on short signals, partials below Nyquist', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 96 }), fc.integer({ min: 1, max: 4 })).chain(([T, K]) =>
      fc.tuple(arrayOf(num(20, 7000), T * K, T * K), arrayOf(num(-1, 1), T * K, T * K), arrayOf(num(-3, 3), K, K))
        .map(([f, a, p0]) => ({ f: frames(f, T, K), a: frames(a, T, K), p0 })),
    );
    fc.assert(fc.property(arb, ({ f, a, p0 }) => {
      type X = { f: Frames; a: Frames; p0: Float64Array };
      type Y = { audio: Float64Array; phase: Float64Array };
      expectVjp(
        (x: X): Y => {
          const o = oscillatorBank(x.f, x.a, { sampleRate: SR, initialPhase: x.p0 });
          // The final phase is wrapped to [0, 2π); compare its unwrapped change.
          return { audio: o.audio, phase: o.phase };
        },
        (g: Y, x: X) => {
          const r = oscillatorBankVjp(g.audio, x.f, x.a, { sampleRate: SR, initialPhase: x.p0 }, g.phase);
          return { f: r.frequencies, a: r.amplitudes, p0: r.initialPhase };
        },
        { f, a, p0 },
        { eps: 1e-7 },
      );
    }));
  });
});

describe('harmonicSynth VJP (amplitude, distribution, f0, initial phase)', () => {
  const arb = fc
    .tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 24 }), fc.boolean(), fc.constantFrom('window' as const, 'linear' as const))
    .chain(([F, K, hop, addEndpoint, ampResample]) =>
      fc.record({
        amp: arrayOf(num(0.01, 1), F, F),
        dist: arrayOf(num(0, 1), F * K, F * K).map((d) => frames(d, F, K)),
        f0: arrayOf(num(30, SR / 2 / (K + 0.5)), F, F),
        p0: num(-3, 3),
        cfg: fc.constant({ nSamples: (addEndpoint ? F : F - 1) * hop, addEndpoint, ampResample }),
      }),
    );
  it('matches finite differences with every harmonic below Nyquist', () => {
    fc.assert(fc.property(arb, ({ amp, dist, f0, p0, cfg }) => {
      type X = { amp: Float64Array; dist: Frames; f0: Float64Array; p0: Float64Array };
      const opts = (x: X) => ({ ...cfg, initialPhase: x.p0[0] });
      expectVjp(
        (x: X) => {
          const o = harmonicSynth(x.amp, x.dist, x.f0, opts(x));
          return { audio: o.audio, phase: Float64Array.of(o.phase) };
        },
        (g: { audio: Float64Array; phase: Float64Array }, x: X) => {
          const r = harmonicSynthVjp(g.audio, x.amp, x.dist, x.f0, opts(x), g.phase[0]);
          return { amp: r.amplitude, dist: r.distribution, f0: r.f0Hz, p0: Float64Array.of(r.initialPhase) };
        },
        { amp, dist, f0, p0: Float64Array.of(p0) },
        { eps: 1e-7 },
      );
    }));
  });
  it('matches finite differences when upper harmonics are masked (f0 held, mask constant)', () => {
    const masked = fc.tuple(fc.integer({ min: 2, max: 5 }), num(SR / 2 / 2.6, SR / 2 / 2.4)).chain(([F, f]) =>
      fc.record({ amp: arrayOf(num(0.1, 1), F, F), dist: arrayOf(num(0, 1), F * 4, F * 4).map((d) => frames(d, F, 4)), f0: fc.constant(new Float64Array(F).fill(f)) }),
    );
    fc.assert(fc.property(masked, ({ amp, dist, f0 }) => {
      const o = { nSamples: amp.length * 16 };
      type X = { amp: Float64Array; dist: Frames; f0: Float64Array };
      expectVjp(
        (x: X) => harmonicSynth(x.amp, x.dist, x.f0, o).audio,
        (g: Float64Array, x: X) => {
          const r = harmonicSynthVjp(g, x.amp, x.dist, x.f0, o);
          return { amp: r.amplitude, dist: r.distribution, f0: r.f0Hz };
        },
        { amp, dist, f0 },
        { eps: 1e-7 },
      );
    }));
  });
});

describe('normalizeHarmonics VJP', () => {
  it('matches finite differences with and without the Nyquist mask', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })).chain(([F, K]) =>
      fc.record({ d: arrayOf(num(0.05, 1), F * K, F * K).map((x) => frames(x, F, K)), f0: arrayOf(num(100, 4000), F, F) }),
    );
    fc.assert(fc.property(arb, ({ d, f0 }) => {
      expectVjp((x: Frames) => normalizeHarmonics(x), (g, x) => normalizeHarmonicsVjp(g, x), d);
      const o = { sampleRate: 16003 }; // not a multiple of the f0 grid, so no harmonic sits on Nyquist
      expectVjp((x: Frames) => normalizeHarmonics(x, f0, o), (g, x) => normalizeHarmonicsVjp(g, x, f0, o), d);
    }));
  });
});
