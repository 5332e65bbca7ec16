import { describe, it, expect } from 'vitest';
import {
  biquad, checkNodeVjp, compressor, effects, frames, fromConfig, initParams, named, parametricEq, toConfig, waveshaper, type DagConfig,
} from '../../src/index.ts';
import { fc, num, arrayOf } from '../helpers.ts';

describe('effect nodes with parameters pass checkNodeVjp', () => {
  it('waveshaper, parametricEq and compressor, in the audio and every parameter', () => {
    const arb = fc.record({ n: fc.integer({ min: 16, max: 80 }), f: num(0.01, 0.2), ph: num(0, 6), drive: num(0.5, 4), gain: num(0.2, 2), fq: num(300, 4000), q: num(0.5, 3), g: num(-9, 9) });
    fc.assert(fc.property(arb, ({ n, f, ph, drive, gain, fq, q, g }) => {
      const x = Float64Array.from({ length: n }, (_, i) => (0.3 + 0.25 * Math.sin(f * i + ph)) * (i % 2 ? 1 : -1));
      const r1 = checkNodeVjp(named('ws', waveshaper()), x, { ws: { drive: Float64Array.of(drive), bias: Float64Array.of(0.1), gain: Float64Array.of(gain) } });
      if (!r1.ok) throw new Error(r1.message);
      const eq = named('eq', parametricEq({ bands: [{ type: 'peaking' }, { type: 'lowshelf' }], sampleRate: 16000 }));
      const bands = [
        { freqHz: Float64Array.of(fq), q: Float64Array.of(q), gainDb: Float64Array.of(g) },
        { freqHz: Float64Array.of(fq / 2), q: Float64Array.of(0.7), gainDb: Float64Array.of(-g / 2) },
      ];
      const r2 = checkNodeVjp(eq, x, { eq: { bands } }, { eps: 1e-6 });
      if (!r2.ok) throw new Error(r2.message);
      const c = named('c', compressor({ sampleRate: 16000, attackMs: 1, releaseMs: 20 }));
      const r3 = checkNodeVjp(c, x, { c: { threshold: Float64Array.of(-15), ratio: Float64Array.of(3), knee: Float64Array.of(6), makeup: Float64Array.of(1) } }, { eps: 1e-7 });
      if (!r3.ok) throw new Error(r3.message);
    }), { numRuns: 40 });
  });
  it('biquad in the audio and its per-sample coefficients', () => {
    fc.assert(fc.property(fc.integer({ min: 4, max: 64 }), arrayOf(num(-1, 1), 64, 64), num(200, 6000), (n, a, fq) => {
      const c = effects.rbjBiquad('lowpass', new Float64Array(n).fill(fq), new Float64Array(n).fill(0.8), new Float64Array(n), { sampleRate: 16000 });
      const r = checkNodeVjp(biquad(), { audio: a.slice(0, n), ...c }, {});
      if (!r.ok) throw new Error(r.message);
    }), { numRuns: 40 });
  });
});

/**
 * Random DAGs over audio → audio processors: sources are the input audio and filtered noise;
 * each new processor draws its inputs from anything before it.
 */
const N = 64;
type Step = { kind: 'scale' | 'add' | 'mul' | 'sub' | 'reverb' | 'expDecayReverb' | 'waveshaper' | 'sincFilter' | 'parametricEq'; picks: number[]; s: number };
const kinds: Step['kind'][] = ['scale', 'add', 'mul', 'sub', 'reverb', 'expDecayReverb', 'waveshaper', 'sincFilter', 'parametricEq'];
const arity = (k: Step['kind']) => (k === 'add' || k === 'mul' || k === 'sub' ? 2 : 1);

function build(steps: Step[]): DagConfig {
  const names = ['audio', 'noise/signal'];
  const dag: DagConfig['dag'] = [{ processor: { type: 'filteredNoise', name: 'noise', options: { nSamples: N, windowSize: 9, seed: 3 } }, inputs: ['mags'] }];
  steps.forEach((st, i) => {
    const name = `p${i}`;
    const inputs = Array.from({ length: arity(st.kind) }, (_, j) => names[st.picks[j] % names.length]);
    const options: Record<string, unknown> =
      st.kind === 'scale' ? { s: st.s }
      : st.kind === 'reverb' ? { irLength: 8 }
      : st.kind === 'expDecayReverb' ? { irLength: 8, seed: i }
      : st.kind === 'sincFilter' ? { cutoff: 0.4, windowSize: 8 }
      : st.kind === 'parametricEq' ? { bands: [{ type: 'peaking' }] }
      : {};
    dag.push({ processor: { type: st.kind, name, ...(Object.keys(options).length ? { options } : {}) }, inputs });
    names.push(`${name}/signal`);
  });
  return { dag };
}

describe('random processor DAGs', () => {
  it('compile, round-trip through JSON unchanged, and pass checkNodeVjp in inputs and parameters', () => {
    const step = fc.record({ kind: fc.constantFrom(...kinds), picks: fc.array(fc.nat(20), { minLength: 2, maxLength: 2 }), s: num(-2, 2) });
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), arrayOf(num(-1, 1), N, N), arrayOf(num(-3, 1), 4 * 17, 4 * 17), (steps, audio, mags) => {
      const config = build(steps as Step[]);
      const json = JSON.stringify(config);
      const g = fromConfig(json);
      expect(JSON.stringify(toConfig(g))).toBe(json);
      expect(JSON.stringify(toConfig(fromConfig(JSON.stringify(toConfig(g)))))).toBe(json);
      const params = initParams(g, 1) as Record<string, Record<string, unknown>>;
      // Give the IRs and gains values of a useful size (DDSP's initial IR is ~1e-6).
      for (const p of Object.values(params)) if (p.ir instanceof Float64Array) p.ir = p.ir.map((v, i) => v * 1e4 + 0.01 * Math.cos(i));
      const r = checkNodeVjp(g, { audio, mags: frames(mags, 4, 17) }, params as never, { eps: 1e-7 });
      if (!r.ok) throw new Error(`${r.message}\n${json}`);
    }), { numRuns: 60 });
  });
});
