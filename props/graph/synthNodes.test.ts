import { describe, it } from 'vitest';
import { chain, fanout, pick, sum, harmonic, filteredNoise, wavetable, sinusoidal, named, param, checkNodeVjp, frames } from '../../src/index.ts';
import { fc, num, arrayOf } from '../helpers.ts';

describe('synth nodes pass checkNodeVjp', () => {
  it('the harmonic-plus-noise model, in its raw controls', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom(3, 5, 9)).chain(([F, K, B]) =>
      fc.record({
        amplitudes: arrayOf(num(-3, 3), F, F),
        harmonicDistribution: arrayOf(num(-3, 3), F * K, F * K).map((d) => frames(d, F, K)),
        f0Hz: arrayOf(num(50, 8000 / (K + 0.5)), F, F),
        noise: arrayOf(num(-2, 4), F * B, F * B).map((d) => frames(d, F, B)),
      }),
    );
    fc.assert(fc.property(arb, ({ amplitudes, harmonicDistribution, f0Hz, noise }) => {
      const nSamples = amplitudes.length * 16;
      const hpn = chain(
        fanout({
          harmonic: chain(pick('harmonic'), harmonic({ nSamples })),
          noise: chain(pick('noise'), filteredNoise({ nSamples, windowSize: 3 })),
        }),
        sum(),
      );
      const r = checkNodeVjp(hpn, { harmonic: { amplitudes, harmonicDistribution, f0Hz }, noise }, {}, { eps: 1e-7 });
      if (!r.ok) throw new Error(r.message);
    }), { numRuns: 60 });
  });
  it('wavetable with trainable tables and sinusoidal with sigmoid frequencies', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 8 })).chain(([F, W]) =>
      fc.record({ a: arrayOf(num(-2, 2), F, F), t: arrayOf(num(-2, 2), W, W), // Offset from round numbers so the phase does not land on the lookup's breakpoints k/W.
        f0: arrayOf(num(50, 2000).map((v) => v + 0.1234567), F, F), fr: arrayOf(num(-3, 3), F * 2, F * 2) }),
    );
    fc.assert(fc.property(arb, ({ a, t, f0, fr }) => {
      const nSamples = a.length * 8;
      const wt = chain(fanout({ amplitudes: pick('a'), f0Hz: pick('f0'), wavetables: named('osc', param('table')) }), wavetable({ nSamples }));
      const r1 = checkNodeVjp(wt, { a, f0 }, { osc: { table: t } }, { eps: 1e-8 });
      if (!r1.ok) throw new Error(r1.message);
      const sn = sinusoidal({ nSamples });
      const F = a.length;
      const r2 = checkNodeVjp(sn, { amplitudes: frames(fr.map((v) => v / 3), F, 2), frequencies: frames(fr, F, 2) }, {}, { eps: 1e-7 });
      if (!r2.ok) throw new Error(r2.message);
    }), { numRuns: 60 });
  });
});
