/**
 * Determinism, stated exactly (README "Determinism"): within one runtime every seeded result
 * repeats bit for bit; across Node, Deno and Bun `uniformNoise` (integer arithmetic) is
 * bit-identical, and everything that goes through Math.exp/sin/cos/pow/log — whose last bit
 * differs between engines — agrees with the values stored from Node to 1e-12 of its largest
 * magnitude. This file runs under each runtime against test/fixtures/determinism.json.
 */
import { describe, expect, it } from 'vitest';
import stored from './fixtures/determinism.json' with { type: 'json' };
import { cases, fingerprint } from './fixtures/determinismCases.ts';

const BOUND = 1e-12;
const ref = stored as Record<string, { n: number; samples: number[]; energy: number }>;

describe('determinism', () => {
  for (const [name, render] of Object.entries(cases)) {
    it(`${name} repeats bit for bit within a runtime`, () => {
      const a = render();
      const b = render();
      expect(a.length).toBe(b.length);
      let same = true;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) same = false;
      expect(same).toBe(true);
    });
    const exact = name === 'uniformNoise';
    it(`${name} matches the stored Node values ${exact ? 'exactly' : `to ${BOUND} relative`}`, () => {
      const got = fingerprint(render());
      const want = ref[name];
      expect(got.n).toBe(want.n);
      expect(got.samples.length).toBe(want.samples.length);
      if (exact) {
        expect(got.samples).toEqual(want.samples);
        expect(got.energy).toBe(want.energy);
        return;
      }
      const scale = Math.max(...want.samples.map(Math.abs));
      let worst = 0;
      for (let i = 0; i < want.samples.length; i++) worst = Math.max(worst, Math.abs(got.samples[i] - want.samples[i]));
      expect(worst / scale).toBeLessThanOrEqual(BOUND);
      expect(Math.abs(got.energy - want.energy) / want.energy).toBeLessThanOrEqual(BOUND);
    });
  }
});
