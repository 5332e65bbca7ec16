import { describe, it } from 'vitest';
import { wavetableSynth, wavetableSynthVjp } from '../../src/synths/wavetable.ts';
import { sinusoidalSynth, sinusoidalSynthVjp, harmonicToSinusoidal, harmonicToSinusoidalVjp } from '../../src/synths/sinusoidal.ts';
import { frames, type Frames, type Signal } from '../../src/core/frames.ts';
import { fc, num, arrayOf, expectVjp } from '../helpers.ts';

const SR = 16000;

describe('wavetableSynth VJP (amplitude, wavetables, f0, initial phase)', () => {
  it('matches finite differences with shared and per-frame tables', () => {
    const arb = fc.tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 32 }), fc.integer({ min: 1, max: 24 }), fc.boolean(), fc.boolean()).chain(
      ([F, W, hop, shared, addEndpoint]) =>
        fc.record({
          amp: arrayOf(num(0.1, 1), F, F),
          tab: arrayOf(num(-1, 1), (shared ? 1 : F) * W, (shared ? 1 : F) * W).map((d) => (shared ? d : frames(d, F, W)) as Signal),
          // Offset from round numbers so the phase does not land on the lookup's breakpoints k/W.
          f0: arrayOf(num(20, 3000).map((v) => v + 0.1234567), F, F),
          // The lookup is piecewise linear: keep the start phase off the table's breakpoints k/W.
          p0: num(0, 1).filter((p) => Math.abs(p * W - Math.round(p * W)) > 1e-3),
          cfg: fc.constant({ nSamples: (addEndpoint ? F : F - 1) * hop, addEndpoint }),
        }),
    );
    fc.assert(fc.property(arb, ({ amp, tab, f0, p0, cfg }) => {
      type X = { amp: Float64Array; tab: Signal; f0: Float64Array; p0: Float64Array };
      const o = (x: X) => ({ ...cfg, initialPhase: x.p0[0] });
      expectVjp(
        (x: X) => {
          const r = wavetableSynth(x.amp, x.tab, x.f0, o(x));
          return { audio: r.audio, phase: Float64Array.of(r.phase) };
        },
        (g: { audio: Float64Array; phase: Float64Array }, x: X) => {
          const r = wavetableSynthVjp(g.audio, x.amp, x.tab, x.f0, o(x), g.phase[0]);
          return { amp: r.amplitude, tab: r.wavetables, f0: r.f0Hz, p0: Float64Array.of(r.initialPhase) };
        },
        { amp, tab, f0, p0: Float64Array.of(p0) },
        { eps: 1e-8 },
      );
    }));
  });
});

describe('sinusoidalSynth VJP (amplitudes, frequencies, initial and final phases)', () => {
  it('matches finite differences below Nyquist and with masked partials', () => {
    const arb = fc.tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 24 }), fc.boolean(), fc.constantFrom('window' as const, 'linear' as const)).chain(
      ([F, K, hop, addEndpoint, ampResample]) =>
        fc.record({
          a: arrayOf(num(-1, 1), F * K, F * K).map((d) => frames(d, F, K)),
          f: arrayOf(fc.oneof(num(20, 7000), num(8200, 12000)), F * K, F * K).map((d) => frames(d, F, K)),
          p0: arrayOf(num(-3, 3), K, K),
          cfg: fc.constant({ nSamples: (addEndpoint ? F : F - 1) * hop, addEndpoint, ampResample }),
        }),
    );
    fc.assert(fc.property(arb, ({ a, f, p0, cfg }) => {
      // Keep interpolated tracks off the Nyquist mask: a frame pair straddling it would toggle the mask.
      const d = f.data;
      const K = f.shape[1];
      for (let i = K; i < d.length; i++) if ((d[i] < SR / 2) !== (d[i - K] < SR / 2)) return;
      type X = { a: Frames; f: Frames; p0: Float64Array };
      const o = (x: X) => ({ ...cfg, initialPhase: x.p0 });
      expectVjp(
        (x: X) => sinusoidalSynth(x.a, x.f, o(x)),
        (g: { audio: Float64Array; phase: Float64Array }, x: X) => {
          const r = sinusoidalSynthVjp(g.audio, x.a, x.f, o(x), g.phase);
          return { a: r.amplitudes, f: r.frequencies, p0: r.initialPhase };
        },
        { a, f, p0 },
        { eps: 1e-7 },
      );
    }));
  });
});

describe('harmonicToSinusoidal VJP', () => {
  it('matches finite differences in amplitude, distribution and f0', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 })).chain(([F, K]) =>
      fc.record({ amp: arrayOf(num(-1, 1), F, F), d: arrayOf(num(0.05, 1), F * K, F * K).map((x) => frames(x, F, K)), f0: arrayOf(num(50, 3000), F, F) }),
    );
    fc.assert(fc.property(arb, ({ amp, d, f0 }) => {
      const o = { sampleRate: 16003 };
      type X = { amp: Float64Array; d: Frames; f0: Float64Array };
      expectVjp(
        (x: X) => {
          const r = harmonicToSinusoidal(x.amp, x.d, x.f0, o);
          return { amplitudes: r.amplitudes, frequencies: r.frequencies };
        },
        (g: { amplitudes: Signal; frequencies: Signal }, x: X) => {
          const r = harmonicToSinusoidalVjp(g, x.amp, x.d, x.f0, o);
          return { amp: r.amplitude, d: r.distribution, f0: r.f0Hz };
        },
        { amp, d, f0 },
      );
    }));
  });
});
