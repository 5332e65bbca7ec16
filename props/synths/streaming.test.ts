import { describe, it, expect } from 'vitest';
import { oscillatorBank } from '../../src/synths/oscillatorBank.ts';
import { harmonicSynth } from '../../src/synths/harmonic.ts';
import { filteredNoise, filteredNoiseStream } from '../../src/synths/filteredNoise.ts';
import { sinusoidalSynth } from '../../src/synths/sinusoidal.ts';
import { wavetableSynth } from '../../src/synths/wavetable.ts';
import { frames } from '../../src/core/frames.ts';
import { fc, num, arrayOf } from '../helpers.ts';

/** Random cut points splitting 0..n into at least one piece. */
const splits = (n: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { maxLength: 6 }).map((c) => [0, ...c.filter((v) => v < n).sort((a, b) => a - b), n]);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('streaming equals one-shot synthesis (≤ 1e-9)', () => {
  it('oscillatorBank over random sample splits, carrying the phase', () => {
    const arb = fc.tuple(fc.integer({ min: 2, max: 400 }), fc.integer({ min: 1, max: 3 })).chain(([T, K]) =>
      fc.record({ f: arrayOf(num(20, 7900), T * K, T * K), a: arrayOf(num(0, 1), T * K, T * K), cuts: splits(T), K: fc.constant(K) }),
    );
    fc.assert(fc.property(arb, ({ f, a, cuts, K }) => {
      const T = f.length / K;
      const all = oscillatorBank(frames(f, T, K), frames(a, T, K));
      const out: number[] = [];
      let phase: Float64Array | undefined;
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [s, e] = [cuts[i] * K, cuts[i + 1] * K];
        const r = oscillatorBank(frames(f.slice(s, e), cuts[i + 1] - cuts[i], K), frames(a.slice(s, e), cuts[i + 1] - cuts[i], K), { initialPhase: phase });
        phase = r.phase;
        out.push(...r.audio);
      }
      expect(maxDiff(out, all.audio)).toBeLessThanOrEqual(1e-9);
      expect(maxDiff(phase as Float64Array, all.phase)).toBeLessThanOrEqual(1e-9);
    }));
  });

  it('harmonicSynth over random frame splits (blocks share their boundary frame), carrying the phase', () => {
    const arb = fc.tuple(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 32 })).chain(([F, K, hop]) =>
      fc.record({
        amp: arrayOf(num(0, 1), F, F),
        dist: arrayOf(num(0, 1), F * K, F * K),
        f0: arrayOf(num(50, 3000), F, F),
        cuts: splits(F - 1),
        K: fc.constant(K),
        hop: fc.constant(hop),
      }),
    );
    fc.assert(fc.property(arb, ({ amp, dist, f0, cuts, K, hop }) => {
      const F = amp.length;
      const all = harmonicSynth(amp, frames(dist, F, K), f0, { nSamples: (F - 1) * hop, addEndpoint: false });
      const out: number[] = [];
      let phase = 0;
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [a, b] = [cuts[i], cuts[i + 1] + 1]; // frames a..b inclusive → b − a − 1 intervals
        const r = harmonicSynth(amp.slice(a, b), frames(dist.slice(a * K, b * K), b - a, K), f0.slice(a, b), {
          nSamples: (b - a - 1) * hop,
          addEndpoint: false,
          initialPhase: phase,
        });
        phase = r.phase;
        out.push(...r.audio);
      }
      expect(maxDiff(out, all.audio)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(phase - all.phase)).toBeLessThanOrEqual(1e-9);
    }));
  });

  it('sinusoidalSynth and wavetableSynth over random frame splits, carrying their phases', () => {
    const arb = fc.tuple(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 24 })).chain(([F, K, hop]) =>
      fc.record({ a: arrayOf(num(0, 1), F * K, F * K), f: arrayOf(num(20, 7000), F * K, F * K), tab: arrayOf(num(-1, 1), 32, 32), cuts: splits(F - 1), K: fc.constant(K), hop: fc.constant(hop) }),
    );
    fc.assert(fc.property(arb, ({ a, f, tab, cuts, K, hop }) => {
      const F = a.length / K;
      const all = sinusoidalSynth(frames(a, F, K), frames(f, F, K), { nSamples: (F - 1) * hop, addEndpoint: false });
      const amp1 = a.filter((_, i) => i % K === 0);
      const f1 = f.filter((_, i) => i % K === 0);
      const allW = wavetableSynth(amp1, tab, f1, { nSamples: (F - 1) * hop, addEndpoint: false });
      const out: number[] = [];
      const outW: number[] = [];
      let phase: Float64Array | undefined;
      let phaseW = 0;
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [s, e] = [cuts[i], cuts[i + 1] + 1];
        const o = { nSamples: (e - s - 1) * hop, addEndpoint: false };
        const r = sinusoidalSynth(frames(a.slice(s * K, e * K), e - s, K), frames(f.slice(s * K, e * K), e - s, K), { ...o, initialPhase: phase });
        phase = r.phase;
        out.push(...r.audio);
        const w = wavetableSynth(amp1.slice(s, e), tab, f1.slice(s, e), { ...o, initialPhase: phaseW });
        phaseW = w.phase;
        outW.push(...w.audio);
      }
      expect(maxDiff(out, all.audio)).toBeLessThanOrEqual(1e-9);
      expect(maxDiff(outW, allW.audio)).toBeLessThanOrEqual(1e-9);
    }));
  });

  it('filteredNoise over random frame splits, carrying the noise state and the filter tail', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 24 }), fc.constantFrom(5, 9, 33), fc.integer({ min: 1, max: 40 }), fc.constantFrom(0, 7, 16)).chain(([F, B, hop, ws]) =>
      fc.record({ m: arrayOf(num(0, 1), F * B, F * B), cuts: splits(F), B: fc.constant(B), hop: fc.constant(hop), ws: fc.constant(ws), seed: fc.integer({ min: 0, max: 1000 }) }),
    );
    fc.assert(fc.property(arb, ({ m, cuts, B, hop, ws, seed }) => {
      const F = m.length / B;
      const all = filteredNoise(frames(m, F, B), { nSamples: F * hop, windowSize: ws, seed, delayCompensation: 0 });
      const out: number[] = [];
      let state: { rng: number; tail?: Float64Array } = { rng: seed };
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [a, b] = [cuts[i], cuts[i + 1]];
        const r = filteredNoiseStream(frames(m.slice(a * B, b * B), b - a, B), { nSamples: (b - a) * hop, windowSize: ws }, state);
        state = r.state;
        out.push(...r.audio);
      }
      expect(maxDiff(out, all)).toBeLessThanOrEqual(1e-9);
    }));
  });
});
