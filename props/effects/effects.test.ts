import { describe, it } from 'vitest';
import * as e from '../../src/effects/index.ts';
import { named, checkNodeVjp, reverb as reverbNode } from '../../src/index.ts';
import { fc, num, arrayOf, expectVjp, expectAdjoint } from '../helpers.ts';
import { expDecayReverb, filteredNoiseReverb, firFilter as firNode, modDelay as modDelayNode, sincFilter as sincNode, mix as mixNode } from '../../src/index.ts';
import { frames } from '../../src/core/frames.ts';

const sig = (min: number, max: number) => fc.integer({ min, max }).chain((n) => arrayOf(num(-1, 1), n, n));

describe('reverb VJPs', () => {
  it('in audio and IR; linear in each (exact adjoints)', () => {
    fc.assert(fc.property(sig(1, 120), sig(1, 60), fc.boolean(), (x, ir, addDry) => {
      const o = { addDry };
      type X = { x: Float64Array; ir: Float64Array };
      expectVjp((z: X) => e.reverb(z.x, z.ir, o), (g: Float64Array, z: X) => {
        const r = e.reverbVjp(g, z.x, z.ir, o);
        return { x: r.audio, ir: r.ir };
      }, { x, ir });
      const l1 = (a: Float64Array) => a.reduce((s, v) => s + Math.abs(v), 0);
      const dims = Math.sqrt(x.length * x.length) + 10;
      expectAdjoint((a: Float64Array) => e.reverb(a, ir, o), (g: Float64Array) => e.reverbVjp(g, x, ir, o).audio, x, 1e-13 * (l1(ir) + 1) * dims);
    }));
  });
  it('filteredNoiseIr in its magnitudes', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.constantFrom(5, 9), (F, B) => {
      const m = frames(Float64Array.from({ length: F * B }, (_, i) => 0.5 + 0.4 * Math.sin(i * 1.3 + F)), F, B);
      const o = { irLength: 8 * F, windowSize: 5, seed: 2 };
      expectVjp((z: ReturnType<typeof frames>) => e.filteredNoiseIr(z, o), (g: Float64Array, z: ReturnType<typeof frames>) => e.filteredNoiseIrVjp(g, z, o), m);
    }));
  });
  it('expDecayIr in gain and decay, and the trainable reverb node', () => {
    fc.assert(fc.property(num(0.1, 2), num(-2, 3), sig(8, 60), (gain, decay, x) => {
      const o = { irLength: 64, seed: 3 };
      type G = { gain: Float64Array; decay: Float64Array };
      expectVjp((z: G) => e.expDecayIr(z.gain, z.decay, o), (g: Float64Array, z: G) => e.expDecayIrVjp(g, z.gain, z.decay, o), { gain: Float64Array.of(gain), decay: Float64Array.of(decay) });
      const r = checkNodeVjp(named('reverb', reverbNode()), x, { reverb: { ir: e.expDecayIr(Float64Array.of(gain), Float64Array.of(decay), { irLength: 32 }) } });
      if (!r.ok) throw new Error(r.message);
    }));
  });
});

describe('modDelay VJP', () => {
  it('in audio, delay (off the integer kinks) and gain', () => {
    const arb = fc.integer({ min: 2, max: 80 }).chain((n) =>
      fc.record({
        x: arrayOf(num(-1, 1), n, n),
        d: arrayOf(num(0.01, 10).filter((v) => Math.abs(v - Math.round(v)) > 1e-3), n, n),
        g: arrayOf(num(-1, 1), n, n),
        addDry: fc.boolean(),
      }),
    );
    fc.assert(fc.property(arb, ({ x, d, g, addDry }) => {
      type X = { x: Float64Array; d: Float64Array; g: Float64Array };
      const o = { addDry, maxDelay: 20 };
      expectVjp((z: X) => e.modDelay(z.x, z.d, z.g, o), (gy: Float64Array, z: X) => {
        const r = e.modDelayVjp(gy, z.x, z.d, z.g, o);
        return { x: r.audio, d: r.delay, g: r.gain };
      }, { x, d, g });
    }));
  });
});

describe('recursive filters: VJP through the adjoint recursion', () => {
  /** Stable per-sample biquads: poles inside radius 0.95. */
  const stable = (n: number) =>
    fc.record({
      r: arrayOf(num(0, 0.95), n, n),
      th: arrayOf(num(0, Math.PI), n, n),
      b0: arrayOf(num(-1, 1), n, n),
      b1: arrayOf(num(-1, 1), n, n),
      b2: arrayOf(num(-1, 1), n, n),
    }).map(({ r, th, b0, b1, b2 }) => ({ b0, b1, b2, a1: r.map((v, i) => -2 * v * Math.cos(th[i])), a2: r.map((v) => v * v) }));
  it('biquad in the input and all five coefficient tracks; onePole in x, b, a', () => {
    const arb = fc.integer({ min: 1, max: 150 }).chain((n) => fc.tuple(arrayOf(num(-1, 1), n, n), stable(n), arrayOf(num(-0.95, 0.95), n, n), arrayOf(num(-1, 1), n, n)));
    fc.assert(fc.property(arb, ([x, c, a, b]) => {
      type C = Record<'b0' | 'b1' | 'b2' | 'a1' | 'a2', Float64Array>;
      type X = { x: Float64Array; c: C };
      expectVjp((z: X) => e.biquad(z.x, z.c), (g: Float64Array, z: X) => {
        const r = e.biquadVjp(g, z.x, z.c);
        return { x: r.x, c: r.coefficients as C };
      }, { x, c: c as C }, { eps: 1e-7 });
      expectAdjoint((v: Float64Array) => e.biquad(v, c), (g: Float64Array) => e.biquadVjp(g, x, c).x, x);
      type P = { x: Float64Array; b: Float64Array; a: Float64Array };
      expectVjp((z: P) => e.onePole(z.x, z.b, z.a), (g: Float64Array, z: P) => e.onePoleVjp(g, z.x, z.b, z.a), { x, b, a }, { eps: 1e-7 });
    }));
  });
  it('RBJ designs in frequency, Q and gain, every type, through the biquad', () => {
    const types = ['lowpass', 'highpass', 'bandpass', 'notch', 'allpass', 'peaking', 'lowshelf', 'highshelf'] as const;
    const arb = fc.integer({ min: 1, max: 60 }).chain((n) =>
      fc.record({ x: arrayOf(num(-1, 1), n, n), f: arrayOf(num(50, 7000), n, n), q: arrayOf(num(0.3, 5), n, n), g: arrayOf(num(-12, 12), n, n), type: fc.constantFrom(...types) }),
    );
    fc.assert(fc.property(arb, ({ x, f, q, g, type }) => {
      const o = { sampleRate: 16000 };
      type X = { f: Float64Array; q: Float64Array; g: Float64Array };
      expectVjp(
        (z: X) => e.biquad(x, e.rbjBiquad(type, z.f, z.q, z.g, o)),
        (gy: Float64Array, z: X) => {
          const c = e.rbjBiquad(type, z.f, z.q, z.g, o);
          const r = e.rbjBiquadVjp(e.biquadVjp(gy, x, c).coefficients, type, z.f, z.q, z.g, o);
          return { f: r.freqHz, q: r.q, g: r.gainDb };
        },
        { f, q, g },
      );
    }));
  });
});

describe('dynamics VJPs', () => {
  it('waveshaper in x, drive, bias and gain', () => {
    fc.assert(fc.property(sig(1, 100), num(0.1, 5), num(-1, 1), num(-2, 2), (x, drive, bias, gain) => {
      type X = { x: Float64Array; p: Float64Array };
      expectVjp(
        (z: X) => e.waveshaper(z.x, { drive: z.p[0], bias: z.p[1], gain: z.p[2] }),
        (g: Float64Array, z: X) => {
          const r = e.waveshaperVjp(g, z.x, { drive: z.p[0], bias: z.p[1], gain: z.p[2] });
          return { x: r.x, p: Float64Array.of(r.drive, r.bias, r.gain) };
        },
        { x, p: Float64Array.of(drive, bias, gain) },
      );
    }));
  });
  it('compressor in x, threshold, ratio, knee and make-up, through the attack/release smoother', () => {
    // A loud tone with a slow swell: levels cross the knee smoothly and stay away from |x| ≈ 0.
    const arb = fc.record({ n: fc.integer({ min: 20, max: 300 }), f: num(0.01, 0.2), ph: num(0, 6), T: num(-30, -5), R: num(1.5, 8), W: num(0.5, 12), M: num(-3, 6) });
    fc.assert(fc.property(arb, ({ n, f, ph, T, R, W, M }) => {
      const x = Float64Array.from({ length: n }, (_, i) => (0.3 + 0.25 * Math.sin(f * i + ph)) * (i % 2 ? 1 : -1));
      const o = { sampleRate: 16000, attackMs: 1, releaseMs: 20 };
      type X = { x: Float64Array; p: Float64Array };
      const P = (p: Float64Array) => ({ threshold: p[0], ratio: p[1], knee: p[2], makeup: p[3] });
      expectVjp(
        (z: X) => e.compressor(z.x, P(z.p), o),
        (g: Float64Array, z: X) => {
          const r = e.compressorVjp(g, z.x, P(z.p), o);
          return { x: r.x, p: Float64Array.of(r.threshold, r.ratio, r.knee, r.makeup) };
        },
        { x, p: Float64Array.of(T, R, W, M) },
        { eps: 1e-7 },
      );
    }));
  });
});

describe('FIR effects, mix and EQ VJPs', () => {
  it('sincFilter (exact adjoint in the audio), firFilter, mix', () => {
    fc.assert(fc.property(sig(8, 200), num(0.05, 1), fc.boolean(), (x, cutoff, highPass) => {
      const o = { windowSize: 16, highPass };
      expectAdjoint((v: Float64Array) => e.sincFilter(v, cutoff, o), (g: Float64Array) => e.sincFilterVjp(g, x, cutoff, o), x, 1e-13 * x.length);
      const m = Float64Array.from({ length: 9 }, (_, i) => 0.2 + 0.1 * Math.sin(i + cutoff));
      type F = { x: Float64Array; m: Float64Array };
      expectVjp((z: F) => e.firFilter(z.x, z.m, { windowSize: 7 }), (g: Float64Array, z: F) => {
        const r = e.firFilterVjp(g, z.x, z.m, { windowSize: 7 });
        return { x: r.audio, m: r.magnitudes };
      }, { x, m });
      const w = x.map((v) => 0.05 + 0.9 * Math.abs(Math.sin(3 * v + cutoff)));
      type M = { a: Float64Array; b: Float64Array; m: Float64Array };
      expectVjp((z: M) => e.mix(z.a, z.b, z.m), (g: Float64Array, z: M) => e.mixVjp(g, z.a, z.b, z.m), { a: x, b: x.map((v) => v * 0.5 - 0.1), m: w });
    }));
  });
  it('parametricEq in the audio and every band’s frequency, Q and gain', () => {
    const arb = fc.integer({ min: 1, max: 80 }).chain((n) => fc.record({ x: arrayOf(num(-1, 1), n, n), f1: num(100, 3000), f2: num(500, 6000), g: num(-12, 12), q: num(0.5, 4) }));
    fc.assert(fc.property(arb, ({ x, f1, f2, g, q }) => {
      const n = x.length;
      const c = (v: number) => new Float64Array(n).fill(v);
      type X = { x: Float64Array; p: Float64Array };
      const bands = (p: Float64Array) => [
        { type: 'lowshelf' as const, freqHz: c(p[0]), q: c(p[1]), gainDb: c(p[2]) },
        { type: 'peaking' as const, freqHz: c(p[3]), q: c(p[1]), gainDb: c(-p[2]) },
      ];
      expectVjp((z: X) => e.parametricEq(z.x, bands(z.p)), (gy: Float64Array, z: X) => {
        const r = e.parametricEqVjp(gy, z.x, bands(z.p));
        const s = (a: Float64Array) => a.reduce((t, v) => t + v, 0);
        const [b0, b1] = r.bands;
        return { x: r.audio, p: Float64Array.of(s(b0.freqHz), s(b0.q) + s(b1.q), s(b0.gainDb) - s(b1.gainDb), s(b1.freqHz)) };
      }, { x, p: Float64Array.of(f1, q, g, f2) });
    }));
  });
});


describe('effect nodes pass checkNodeVjp', () => {
  it('expDecayReverb, filteredNoiseReverb, firFilter, sincFilter, mix and modDelay', () => {
    fc.assert(fc.property(sig(16, 64), num(-2, 2), num(-1, 2), (x, gain, decay) => {
      const n = x.length;
      const checks = [
        checkNodeVjp(named('rv', expDecayReverb({ irLength: 24, seed: 1 })), x, { rv: { gain: Float64Array.of(gain), decay: Float64Array.of(decay) } }),
        checkNodeVjp(named('rv', filteredNoiseReverb({ irLength: 24, windowSize: 5 })), x, { rv: { magnitudes: frames(Float64Array.from({ length: 2 * 9 }, (_, i) => Math.sin(i + gain)), 2, 9) } }),
        checkNodeVjp(firNode({ windowSize: 7 }), { audio: x, magnitudes: Float64Array.from({ length: 9 }, (_, i) => Math.cos(i * gain)) }, {}),
        checkNodeVjp(sincNode(0.4, { windowSize: 8 }), x, {}),
        checkNodeVjp(mixNode(), { a: x, b: x.map((v) => 0.3 - v), m: x.map((v) => 0.5 + 0.4 * Math.sin(3 * v)) }, {}),
        checkNodeVjp(modDelayNode({ maxDelay: 20 }), { audio: x, delay: Float64Array.from({ length: n }, (_, i) => 2.3 + Math.sin(i * 0.3 + decay)), gain: x.map((v) => v + gain) }, {}),
      ];
      for (const r of checks) if (!r.ok) throw new Error(r.message);
    }), { numRuns: 50 });
  });
});
