import { describe, it, expect } from 'vitest';
import { oscillatorBank, oscillatorBankVjp } from '../../src/synths/oscillatorBank.ts';
import { harmonicSynth, normalizeHarmonics } from '../../src/synths/harmonic.ts';
import { frames } from '../../src/core/frames.ts';
import { expectClose, f64, randomArray } from '../helpers.ts';

const fill = (n: number, v: number) => new Float64Array(n).fill(v);

describe('oscillatorBank', () => {
  it('one partial at sr/4 gives sin(π/2·(n+1)) (inclusive phase)', () => {
    const n = 64;
    const { audio } = oscillatorBank(fill(n, 4000), fill(n, 1), { sampleRate: 16000 });
    expectClose(audio, Array.from({ length: n }, (_, i) => Math.sin((Math.PI / 2) * (i + 1))), 1e-13);
  });
  it('sums partials and returns each partial’s final phase', () => {
    const T = 100;
    const f = frames(Float64Array.from({ length: T * 2 }, (_, i) => (i % 2 === 0 ? 440 : 1000)), T, 2);
    const a = frames(Float64Array.from({ length: T * 2 }, (_, i) => (i % 2 === 0 ? 0.5 : 0.25)), T, 2);
    const { audio, phase } = oscillatorBank(f, a, { sampleRate: 16000, initialPhase: f64(0.3, 0) });
    const expected = Array.from({ length: T }, (_, n) =>
      0.5 * Math.sin(0.3 + (2 * Math.PI * 440 * (n + 1)) / 16000) + 0.25 * Math.sin((2 * Math.PI * 1000 * (n + 1)) / 16000));
    expectClose(audio, expected, 1e-12);
    const tw = 2 * Math.PI;
    expect(phase[0]).toBeCloseTo(((0.3 + (tw * 440 * T) / 16000) % tw), 10);
    expect(phase[1]).toBeCloseTo(((tw * 1000 * T) / 16000) % tw, 10);
  });
  for (const sr of [4000, 16000, 44100]) {
    it(`is exactly silent at and above Nyquist (sr ${sr}: 1.0, 1.1, 1.5, 2.0 × Nyquist)`, () => {
      for (const m of [1.0, 1.1, 1.5, 2.0]) {
        const { audio } = oscillatorBank(fill(200, (m * sr) / 2), fill(200, 1), { sampleRate: sr });
        expect(audio.every((v) => v === 0)).toBe(true);
      }
    });
  }
  it('its gradient at the Nyquist mask is zero for amplitudes and frequencies', () => {
    const g = oscillatorBankVjp(randomArray(10, 1), fill(10, 8000), fill(10, 1), { sampleRate: 16000 });
    expect(Array.from(g.amplitudes as Float64Array).every((v) => v === 0)).toBe(true);
    expect(Array.from(g.frequencies as Float64Array).every((v) => v === 0)).toBe(true);
  });
  it('rejects mismatched shapes and a wrong initial phase length', () => {
    expect(() => oscillatorBank(fill(4, 1), fill(5, 1))).toThrow('oscillatorBank: frequencies and amplitudes must have the same shape (got [4, 1] and [5, 1])');
    expect(() => oscillatorBank(fill(4, 1), fill(4, 1), { initialPhase: f64(0, 0) })).toThrow('opts.initialPhase must have one value per partial (1), got 2');
    expect(() => oscillatorBank(fill(4, 1), fill(4, 1), { sampleRate: 0 })).toThrow('oscillatorBank: opts.sampleRate must be a positive finite number (got 0)');
  });
});

describe('harmonicSynth', () => {
  // Independent oracle: upsample by DDSP's recipe, materialise every harmonic, call Math.sin.
  function directHarmonic(amp: number[], dist: number[][], f0: number[], nSamples: number, sr: number) {
    const F = f0.length;
    const K = dist[0].length;
    const hop = nSamples / F;
    const y = new Float64Array(nSamples);
    let cum = 0;
    for (let n = 0; n < nSamples; n++) {
      const j = Math.floor(n / hop);
      const t = n - j * hop;
      const j1 = Math.min(j + 1, F - 1);
      const f = f0[j] + (t / hop) * (f0[j1] - f0[j]);
      cum += f / sr;
      const alpha = 0.5 - 0.5 * Math.cos((Math.PI * t) / hop);
      for (let k = 1; k <= K; k++) {
        if (k * f >= sr / 2) continue;
        const h0 = amp[j] * dist[j][k - 1];
        const h1 = amp[j1] * dist[j1][k - 1];
        y[n] += (h0 + alpha * (h1 - h0)) * Math.sin(2 * Math.PI * k * cum);
      }
    }
    return y;
  }
  it('equals the direct sum of sines computed independently (vibrato, changing timbre)', () => {
    const F = 10;
    const K = 12;
    const amp = Array.from({ length: F }, (_, j) => 0.5 + 0.04 * j);
    const dist = Array.from({ length: F }, (_, j) => Array.from({ length: K }, (_, k) => 1 / (k + 1 + j * 0.1)));
    const f0 = Array.from({ length: F }, (_, j) => 300 + 40 * Math.sin(j));
    const { audio } = harmonicSynth(Float64Array.from(amp), frames(Float64Array.from(dist.flat()), F, K), Float64Array.from(f0), { nSamples: 640 });
    expectClose(audio, directHarmonic(amp, dist, f0, 640, 16000), 1e-11);
  });
  it('a harmonic at or above Nyquist is exactly silent', () => {
    const F = 4;
    const { audio } = harmonicSynth(fill(F, 1), frames(fill(F, 1), F, 1), fill(F, 8000), { nSamples: 64 });
    expect(audio.every((v) => v === 0)).toBe(true);
    const two = harmonicSynth(fill(F, 1), frames(Float64Array.from([0, 1, 0, 1, 0, 1, 0, 1]), F, 2), fill(F, 5000), { nSamples: 64 });
    expect(two.audio.every((v) => v === 0)).toBe(true);
  });
  it('its rotation recurrence keeps sin(kφ) within 2e-15·k of Math.sin(k·φ) for k up to 128', () => {
    // One harmonic at a time (one-hot distribution, amplitude 1): the output is the kernel's
    // sin(kφ[n]). The reference Math.sin(k·φ) carries its own rounding of k·φ (≤ 7e-16·k).
    const K = 128;
    const F = 4;
    const nSamples = 4000;
    const f0 = 16000 / 2 / (K + 0.5) / 1.01;
    const w = (2 * Math.PI * f0) / 16000;
    const phis = new Float64Array(nSamples);
    let p = 0;
    for (let n = 0; n < nSamples; n++) {
      p += w;
      if (p >= 2 * Math.PI) p -= 2 * Math.PI;
      phis[n] = p;
    }
    let worst = 0;
    for (const k of [1, 2, 3, 4, 5, 17, 64, 99, 100, 127, 128]) {
      const d = new Float64Array(F * K);
      for (let j = 0; j < F; j++) d[j * K + k - 1] = 1;
      const { audio } = harmonicSynth(fill(F, 1), frames(d, F, K), fill(F, f0), { nSamples });
      for (let n = 0; n < nSamples; n++) worst = Math.max(worst, Math.abs(audio[n] - Math.sin(k * phis[n])) / k);
    }
    expect(worst).toBeLessThan(2e-15);
  });
  it('amplitude, distribution and f0 with mismatched frames, fractional ratios and NaN get clear errors', () => {
    const d = frames(fill(6, 1), 3, 2);
    expect(() => harmonicSynth(fill(3, 1), d, fill(4, 100), { nSamples: 30 })).toThrow(
      'harmonicSynth: amplitude, distribution and f0Hz must have the same number of frames (got 3, 3 and 4)',
    );
    expect(() => harmonicSynth(fill(3, 1), d, fill(3, 100), { nSamples: 31 })).toThrow(
      'harmonicSynth: opts.nSamples must be a multiple of the 3 frame intervals (got 31, ratio 10.3333)',
    );
    const bad = fill(3, 100);
    bad[1] = NaN;
    expect(() => harmonicSynth(fill(3, 1), d, bad, { nSamples: 30 })).toThrow('harmonicSynth: f0Hz[1] is NaN');
    expect(() => harmonicSynth(fill(3, 1), d, f64(100, -1, 100), { nSamples: 30 })).toThrow('harmonicSynth: f0Hz[1] is -1; expected frequencies >= 0');
  });
});

describe('normalizeHarmonics', () => {
  it('DDSP vectors: three equal harmonics → 1/3 each; harmonics above 8 kHz removed and the rest renormalised', () => {
    const d = frames(fill(15, 1), 5, 3);
    expectClose(normalizeHarmonics(d).data, fill(15, 1 / 3), 1e-15);
    const y = normalizeHarmonics(d, f64(50, 3001, 4001, 3001, 50), { sampleRate: 16000 });
    expectClose(y.data, [1 / 3, 1 / 3, 1 / 3, 0.5, 0.5, 0, 1, 0, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3], 1e-15);
  });
  it('an all-zero frame stays zero (divides by 1e-7)', () => {
    expect(Array.from(normalizeHarmonics(frames(fill(2, 0), 1, 2)).data)).toEqual([0, 0]);
  });
});
