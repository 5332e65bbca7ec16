import { describe, it, expect } from 'vitest';
import { reverb, expDecayIr, modDelay, modDelayVjp, modDelayPreset, biquad, onePole, rbjBiquad, waveshaper, compressor } from '../../src/effects/index.ts';
import { expectClose, f64, randomArray } from '../helpers.ts';
import { sincFilter, sincImpulseResponse, mix, firFilter, parametricEq, parametricEqVjp } from '../../src/effects/index.ts';
import { frequencyFilter } from '../../src/spectral/frequencyFilter.ts';
import { train } from '../../src/index.ts';

const fill = (n: number, v: number) => new Float64Array(n).fill(v);

describe('reverb', () => {
  it('with a unit impulse IR returns the input and nothing delayed (IR[0] is the dry path)', () => {
    const x = randomArray(500, 1);
    const ir = new Float64Array(100);
    ir[0] = 1;
    expectClose(reverb(x, ir), x, 1e-13);
  });
  it('equals direct causal convolution (IR[0] masked) plus the dry signal on random IRs', () => {
    const x = randomArray(700, 2);
    const ir = randomArray(300, 3);
    const y = reverb(x, ir);
    const expected = Array.from(x, (v, n) => {
      let s = v;
      for (let l = 1; l < ir.length && l <= n; l++) s += ir[l] * x[n - l];
      return s;
    });
    expectClose(y, expected, 1e-12);
    expectClose(reverb(x, ir, { addDry: false }), expected.map((v, i) => v - x[i]), 1e-12);
  });
  it('expDecayIr decays as exp(−(2 + e^decay)·t)', () => {
    const ir = expDecayIr(f64(1), f64(Math.log(3)), { irLength: 1001, seed: 4 });
    // |ir| envelope at t = 1 is e^{−5}; compare energies of the first and last tenths.
    const e = (a: number, b: number) => ir.slice(a, b).reduce((s, v) => s + v * v, 0);
    expect(e(900, 1001) / e(0, 100)).toBeLessThan(Math.exp(-2 * 5 * 0.8));
  });
});

describe('modDelay', () => {
  it('with a constant integer delay is a shift', () => {
    const x = randomArray(50, 5);
    expectClose(modDelay(x, fill(50, 3), fill(50, 1), { addDry: false }), Array.from(x, (_, n) => (n >= 3 ? x[n - 3] : 0)), 1e-15);
  });
  it('interpolates fractional delays linearly and adds the dry signal', () => {
    const x = f64(0, 1, 2, 3, 4);
    expectClose(modDelay(x, fill(5, 0.5), fill(5, 2)), [0, 1 + 1, 2 + 3, 3 + 5, 4 + 7], 1e-15);
  });
  it('rejects negative delays and delays longer than the buffer', () => {
    expect(() => modDelay(fill(4, 0), f64(0, -1, 0, 0), fill(4, 1))).toThrow('modDelay: delay[1] is -1; delays must be >= 0 samples');
    expect(() => modDelay(fill(4, 0), fill(4, 9), fill(4, 1), { maxDelay: 8 })).toThrow('modDelay: delay[0] is 9 samples; delays must be at most opts.maxDelay − 1 = 7');
  });
  it('rejects delays in (maxDelay − 1, maxDelay], where DDSP’s circular buffer wraps (x[k] = k + 1, delay 399.5, max 400)', () => {
    const x = Float64Array.from({ length: 1000 }, (_, k) => k + 1);
    expect(() => modDelay(x, fill(1000, 399.5), fill(1000, 1), { addDry: false, maxDelay: 400 })).toThrow(
      "modDelay: delay[0] is 399.5 samples; delays must be at most opts.maxDelay − 1 = 399 (DDSP's delay buffer wraps around beyond that)",
    );
    // One sample shorter is a plain delay, as in DDSP: y[999] = x(999 − 399) = 601.
    expect(modDelay(x, fill(1000, 399), fill(1000, 1), { addDry: false, maxDelay: 400 })[999]).toBe(601);
  });
  it('takes the delay derivative from above at integer delays, 0 included (d → k⁺: slope of [n − k − 1, n − k])', () => {
    const x = Float64Array.from({ length: 200 }, (_, n) => Math.sin(0.3 * n) + 0.01 * n);
    const g = Float64Array.from({ length: 200 }, (_, n) => Math.cos(0.17 * n));
    const ones = fill(200, 1);
    for (const k of [0, 1, 5]) {
      const d = fill(200, k);
      const got = modDelayVjp(g, x, d, ones, { addDry: false }).delay;
      // One-sided finite difference from above: (y(d + h) − y(d))/h per sample, exact for the linear segment.
      const h = 1e-6;
      const y0 = modDelay(x, d, ones, { addDry: false });
      const y1 = modDelay(x, fill(200, k + h), ones, { addDry: false });
      for (let n = 0; n < 200; n++) expect(got[n]).toBeCloseTo((g[n] * (y1[n] - y0[n])) / h, 5);
    }
  });
  it('presets give DDSP-like delay ranges', () => {
    const c = modDelayPreset('chorus', 16000);
    expect(Math.min(...c.delay)).toBeGreaterThanOrEqual(15 * 16 - 1e-9);
    expect(Math.max(...c.delay)).toBeLessThanOrEqual(25 * 16 + 1e-9);
    expect(modDelayPreset('vibrato', 10).addDry).toBe(false);
  });
});

describe('biquad and RBJ designs', () => {
  const SR = 48000;
  /** |H(e^{jω})| of one set of coefficients, computed directly. */
  const mag = (b: number[], a: number[], w: number) => {
    const re = (c: number[]) => c[0] + c[1] * Math.cos(w) + c[2] * Math.cos(2 * w);
    const im = (c: number[]) => -c[1] * Math.sin(w) - c[2] * Math.sin(2 * w);
    return Math.hypot(re(b), im(b)) / Math.hypot(re(a), im(a));
  };
  for (const type of ['lowpass', 'highpass', 'bandpass', 'notch', 'peaking', 'lowshelf', 'highshelf'] as const) {
    it(`${type}: the steady-state response to a sine matches |H(e^{jω})|`, () => {
      const T = 24000;
      const c = rbjBiquad(type, fill(T, 1000), fill(T, 0.9), fill(T, 6), { sampleRate: SR });
      for (const f of [200, 1000, 5000]) {
        const w = (2 * Math.PI * f) / SR;
        const x = Float64Array.from({ length: T }, (_, n) => Math.sin(w * n));
        const y = biquad(x, c);
        let peak = 0;
        for (let n = T - 2000; n < T; n++) peak = Math.max(peak, Math.abs(y[n]));
        const H = mag([c.b0[0], c.b1[0], c.b2[0]], [1, c.a1[0], c.a2[0]], w);
        expect(Math.abs(peak - H)).toBeLessThan(2e-3 * Math.max(1, H));
      }
    });
  }
  it('a peaking filter with 0 dB gain is the identity', () => {
    const x = randomArray(1000, 6);
    expectClose(biquad(x, rbjBiquad('peaking', fill(1000, 500), fill(1000, 2), fill(1000, 0), { sampleRate: SR })), x, 1e-12);
  });
  it('allpass keeps the magnitude at 1 everywhere', () => {
    const c = rbjBiquad('allpass', f64(3000), f64(0.7), f64(0), { sampleRate: SR });
    for (const w of [0.1, 0.5, 1, 2, 3]) expect(mag([c.b0[0], c.b1[0], c.b2[0]], [1, c.a1[0], c.a2[0]], w)).toBeCloseTo(1, 12);
  });
  it('unstable coefficients, bad frequencies and NaN parameters get clear errors', () => {
    const z = fill(3, 0);
    expect(() => biquad(fill(3, 1), { b0: fill(3, 1), b1: z, b2: z, a1: fill(3, 2.5), a2: fill(3, 0.5) })).toThrow(
      'biquad: unstable coefficients at sample 0 (a1 = 2.5, a2 = 0.5); need |a2| < 1 and |a1| < 1 + a2',
    );
    expect(() => onePole(fill(2, 1), fill(2, 1), f64(0.5, 1))).toThrow('onePole: unstable pole a[1] = 1; need |a| < 1');
    expect(() => rbjBiquad('lowpass', f64(30000), f64(1), f64(0), { sampleRate: SR })).toThrow('rbjBiquad: freqHz[0] is 30000; expected 0 < f < Nyquist (24000)');
    expect(() => rbjBiquad('lowpass', f64(100), f64(NaN), f64(0))).toThrow('rbjBiquad: q[0] is NaN');
  });
  it('onePole with b = 1 − a is an exponential smoother', () => {
    const y = onePole(fill(200, 1), fill(200, 0.1), fill(200, 0.9));
    expectClose(y, Array.from(y, (_, n) => 1 - 0.9 ** (n + 1)), 1e-13);
  });
});

describe('waveshaper and compressor', () => {
  it('waveshaper is gain·tanh(drive·x + bias)', () => {
    expectClose(waveshaper(f64(-1, 0, 0.5), { drive: 3, bias: 0.1, gain: 0.5 }), [-1, 0, 0.5].map((v) => 0.5 * Math.tanh(3 * v + 0.1)), 1e-15);
  });
  it('leaves signals below the threshold unchanged (knee 0)', () => {
    const x = randomArray(2000, 7, -0.05, 0.05); // below −26 dB
    expectClose(compressor(x, { threshold: -20, ratio: 4, knee: 0, makeup: 0 }), x, 0);
  });
  it('reduces a loud steady signal by the ratio: output level → T + (L − T)/R', () => {
    const a = 0.5; // −6.02 dB, a square wave has a constant level
    const x = Float64Array.from({ length: 16000 }, (_, n) => (Math.floor(n / 20) % 2 ? a : -a));
    const y = compressor(x, { threshold: -20, ratio: 4, knee: 0, makeup: 0 }, { sampleRate: 16000 });
    const L = 20 * Math.log10(a);
    expect(20 * Math.log10(Math.abs(y[15999]))).toBeCloseTo(-20 + (L + 20) / 4, 6);
    const made = compressor(x, { threshold: -20, ratio: 4, knee: 0, makeup: 3 }, { sampleRate: 16000 });
    expect(20 * Math.log10(Math.abs(made[15999]))).toBeCloseTo(-20 + (L + 20) / 4 + 3, 6);
  });
  it('names bad parameters', () => {
    expect(() => compressor(f64(0), { threshold: -20, ratio: 0.5, knee: 0, makeup: 0 })).toThrow('compressor: params.ratio must be >= 1 (got 0.5)');
    expect(() => waveshaper(f64(0), { drive: NaN, bias: 0, gain: 1 })).toThrow('waveshaper: params.drive must be a finite number (got NaN)');
  });
});


describe('FIR effects and mix', () => {
  it('the sinc low-pass has unit DC gain, passes a low tone and stops a high one; high-pass does the reverse', () => {
    const ir = sincImpulseResponse(0.25, { windowSize: 256 });
    expect(ir.length).toBe(257);
    expect(ir.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    const tone = (f: number) => Float64Array.from({ length: 4000 }, (_, n) => Math.sin((2 * Math.PI * f * n) / 16000));
    const rms = (x: Float64Array) => Math.sqrt(x.slice(1000, 3000).reduce((s, v) => s + v * v, 0) / 2000);
    expect(rms(sincFilter(tone(500), 0.25))).toBeCloseTo(Math.SQRT1_2, 2);
    expect(rms(sincFilter(tone(5000), 0.25))).toBeLessThan(1e-3);
    expect(rms(sincFilter(tone(5000), 0.25, { highPass: true }))).toBeCloseTo(Math.SQRT1_2, 2);
    expect(() => sincImpulseResponse(1.5)).toThrow('sincImpulseResponse: cutoff is a fraction of Nyquist and must be in (0, 1] (got 1.5)');
  });
  it('firFilter is frequencyFilter with DDSP’s 257-sample window', () => {
    const x = randomArray(640, 9);
    const m = randomArray(65, 10, 0, 1);
    expectClose(firFilter(x, m), frequencyFilter(x, m, { windowSize: 257 }), 0);
  });
  it('mix is a constant-power crossfade', () => {
    const a = fill(3, 1);
    const b = fill(3, 0);
    expectClose(mix(a, b, f64(0, 0.5, 1)), [0, Math.SQRT1_2, 1], 1e-15);
    expect(() => mix(a, b, f64(0, 2, 1))).toThrow('mix: m[1] is 2; expected a mix level in [0, 1]');
  });
});

describe('a trainable EQ fitted to a target', () => {
  it('Adam recovers a peaking band’s gain and frequency from the filtered signal', () => {
    const T = 4000;
    const x = randomArray(T, 11);
    const band = (f: number, g: number) => [{ type: 'peaking' as const, freqHz: fill(T, f), q: fill(T, 1.5), gainDb: fill(T, g) }];
    const target = parametricEq(x, band(1800, 9), { sampleRate: 16000 });
    // Parameters in natural units for one learning rate: octaves above 1200 Hz and tens of dB.
    const { params } = train.fit({
      valueAndGrad: (p) => {
        const f = 1200 * 2 ** (p.u as Float64Array)[0];
        const g = 10 * (p.v as Float64Array)[0];
        const y = parametricEq(x, band(f, g), { sampleRate: 16000 });
        let loss = 0;
        const gy = y.map((v, i) => {
          loss += (v - target[i]) ** 2 / T;
          return (2 * (v - target[i])) / T;
        });
        const r = parametricEqVjp(gy, x, band(f, g), { sampleRate: 16000 }).bands[0];
        const df = r.freqHz.reduce((a, v) => a + v, 0);
        const dg = r.gainDb.reduce((a, v) => a + v, 0);
        return { value: loss, grad: { u: Float64Array.of(df * f * Math.LN2), v: Float64Array.of(10 * dg) } };
      },
      params: { u: Float64Array.of(0), v: Float64Array.of(0) },
      optimizer: train.adam({ learningRate: train.exponentialDecay({ initial: 0.05, decaySteps: 200, decayRate: 0.3 }) }),
      steps: 600,
    });
    expect(10 * (params.v as Float64Array)[0]).toBeCloseTo(9, 1);
    expect(Math.abs(1200 * 2 ** (params.u as Float64Array)[0] - 1800)).toBeLessThan(10);
  });
});
