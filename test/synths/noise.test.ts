import { describe, it, expect } from 'vitest';
import { uniformNoise } from '../../src/synths/noise.ts';
import { filteredNoise } from '../../src/synths/filteredNoise.ts';
import { frames } from '../../src/core/frames.ts';
import { expectClose } from '../helpers.ts';

describe('uniformNoise', () => {
  it('is uniform on [−1, 1): mean ≈ 0, variance ≈ 1/3', () => {
    const { noise } = uniformNoise(200000, 7);
    let m = 0;
    let v = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of noise) {
      m += x;
      v += x * x;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    m /= noise.length;
    v = v / noise.length - m * m;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1 / 3)).toBeLessThan(0.005);
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThan(1);
  });
  it('continues exactly from a returned state', () => {
    const all = uniformNoise(100, 42).noise;
    const a = uniformNoise(37, 42);
    const b = uniformNoise(63, a.state);
    expect([...a.noise, ...b.noise]).toEqual(Array.from(all));
  });
  it('gives the same bits on every runtime (pinned values)', () => {
    // Integer arithmetic and a division by 2³¹: these exact doubles hold on Node, Deno and Bun.
    expect(Array.from(uniformNoise(3, 1).noise)).toEqual(Array.from(uniformNoise(3, 1).noise));
    const v = uniformNoise(2, 12345).noise;
    expect([v[0], v[1]]).toEqual([0.9594565355218947, -0.3864954710006714]);
  });
});

describe('filteredNoise', () => {
  it('with unit magnitudes is the noise itself (identity up to its delay, which is compensated)', () => {
    const y = filteredNoise(frames(new Float64Array(250 * 65).fill(1), 250, 65), { nSamples: 16000, windowSize: 0, seed: 3 });
    expectClose(y, uniformNoise(16000, 3).noise, 1e-12);
  });
  it('with zero magnitudes is silent and with gain g scales the noise by g', () => {
    expect(filteredNoise(new Float64Array(65), { nSamples: 1000 }).every((v) => v === 0)).toBe(true);
    expectClose(filteredNoise(new Float64Array(65).fill(0.25), { nSamples: 1000, seed: 1 }), Array.from(uniformNoise(1000, 1).noise, (v) => 0.25 * v), 1e-12);
  });
  it('shapes the spectrum: Σ(Δy)²/Σy² is 2 for white noise, ≈ 0.2 below a quarter of Nyquist, ≈ 3.8 above three quarters', () => {
    // For a band [a, b] of flat noise, E[(Δy)²]/E[y²] = (1/(b − a))·∫ₐᵇ 2(1 − cos ω) dω.
    const ratio = (s: Float64Array) => s.reduce((a, v, i) => (i > 0 ? a + (v - s[i - 1]) ** 2 : a), 0) / s.reduce((a, v) => a + v * v, 0);
    const band = (lo: number, hi: number) => Float64Array.from({ length: 65 }, (_, b) => (b >= lo && b < hi ? 1 : 0));
    expect(ratio(uniformNoise(16384, 5).noise)).toBeCloseTo(2, 1);
    expect(ratio(filteredNoise(band(0, 16), { nSamples: 16384, seed: 5 }))).toBeLessThan(0.3);
    expect(ratio(filteredNoise(band(49, 65), { nSamples: 16384, seed: 5 }))).toBeGreaterThan(3.3);
  });
  it('needs nSamples and frames that split it', () => {
    expect(() => filteredNoise(new Float64Array(65), undefined as never)).toThrow('filteredNoise: opts.nSamples is required');
    expect(() => filteredNoise(frames(new Float64Array(999 * 65), 999, 65), { nSamples: 1000 })).toThrow(
      'filteredNoise: audio of 1000 samples splits into 500 blocks of 2, but there are 999 filter frames',
    );
  });
});
