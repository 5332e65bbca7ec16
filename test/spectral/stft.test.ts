import { describe, it, expect } from 'vitest';
import {
  rfft, irfft, frame, overlapAdd, hannWindow, stft, magnitudeSpectrogram, logMagnitudeSpectrogram, powerSpectrogram,
  melWeightMatrix, hzToMelHtk, dctII, melSpectrogram, mfcc, stftGeometry,
} from '../../src/spectral/index.ts';
import { frames } from '../../src/core/frames.ts';
import { expectClose, randomArray } from '../helpers.ts';

function naiveDft(x: ArrayLike<number>, n: number): { re: number[]; im: number[] } {
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let r = 0;
    let i = 0;
    for (let t = 0; t < x.length; t++) {
      r += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      i -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    re.push(r);
    im.push(i);
  }
  return { re, im };
}

describe('rfft / irfft', () => {
  it('equal a naive DFT at small sizes and invert each other', () => {
    for (const n of [2, 4, 8, 32, 256]) {
      const x = randomArray(n, n);
      const X = rfft(x);
      const ref = naiveDft(x, n);
      expectClose(X.re, ref.re, 1e-12);
      expectClose(X.im, ref.im, 1e-12);
      expectClose(irfft(X), x, 1e-13);
    }
  });
  it('satisfy Parseval: Σx² = (|X₀|² + |X_{n/2}|² + 2Σ|X_k|²)/n', () => {
    const n = 1024;
    const x = randomArray(n, 3);
    const X = rfft(x);
    let e = 0;
    for (let k = 0; k <= n / 2; k++) e += (k === 0 || k === n / 2 ? 1 : 2) * (X.re[k] ** 2 + X.im[k] ** 2);
    expect(e / n).toBeCloseTo(x.reduce((s, v) => s + v * v, 0), 10);
  });
  it('rejects sizes that are not powers of two', () => {
    expect(() => rfft(new Float64Array(12))).toThrow('rfft: the transform size must be a power of two >= 2 (got 12)');
    expect(() => irfft({ re: new Float64Array(4), im: new Float64Array(4) })).toThrow('irfft: the transform size must be a power of two >= 2 (got 6)');
  });
});

describe('frame / overlapAdd / windows', () => {
  it('frame cuts with a hop, pads the end on request, and overlapAdd sums back', () => {
    expect(Array.from(frame(Float64Array.of(1, 2, 3, 4), 2, 1).data)).toEqual([1, 2, 2, 3, 3, 4]);
    const f = frame(Float64Array.of(1, 2, 3, 4, 5), 4, 2, { padEnd: true });
    expect(f.shape).toEqual([3, 4]);
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 3, 4, 5, 0, 5, 0, 0, 0]);
    expect(Array.from(overlapAdd(frames(new Float64Array(4).fill(1), 2, 2), 1))).toEqual([1, 2, 1]);
    expect(() => frame(new Float64Array(3), 4, 1)).toThrow('frame: the signal (3 samples) is shorter than one frame of 4; use padEnd or a shorter frame');
    expect(() => frame(new Float64Array(3), 2, 0)).toThrow('frame: hop must be an integer >= 1 (got 0)');
  });
  it('periodic and symmetric Hann windows', () => {
    expectClose(hannWindow(4), [0, 0.5, 1, 0.5], 1e-15);
    expectClose(hannWindow(5, { periodic: false }), [0, 0.5, 1, 0.5, 0], 1e-15);
  });
});

describe('stft and spectrograms', () => {
  it('has DDSP’s shapes: 64000 samples, frame 2048, overlap 0.75 → 125 × 1025; centred 512/64 → 1001 frames', () => {
    expect(stftGeometry('t', 64000, { frameSize: 2048 })).toMatchObject({ nFrames: 125, bins: 1025, hop: 512 });
    expect(stftGeometry('t', 64000, { frameSize: 512, hop: 64, center: true }).nFrames).toBe(1001);
  });
  it('magnitude equals a naive DFT of the same Hann-windowed, end-padded frames', () => {
    const x = randomArray(300, 5);
    const S = 64;
    const hop = 16;
    const m = magnitudeSpectrogram(x, { frameSize: S, hop });
    expect(m.shape).toEqual([Math.ceil(300 / hop), S / 2 + 1]);
    const w = hannWindow(S);
    for (const t of [0, 7, m.shape[0] - 1]) {
      const fr = Array.from({ length: S }, (_, i) => (x[t * hop + i] ?? 0) * w[i]);
      const ref = naiveDft(fr, S);
      expectClose(m.data.slice(t * 33, (t + 1) * 33), ref.re.map((r, k) => Math.hypot(r, ref.im[k])), 1e-12);
    }
    const { re, im } = stft(x, { frameSize: S, hop });
    expectClose(powerSpectrogram(x, { frameSize: S, hop }).data, Array.from(re.data, (r, i) => r * r + im.data[i] ** 2), 1e-12);
    expectClose(logMagnitudeSpectrogram(x, { frameSize: S, hop }).data, Array.from(m.data, (v) => Math.log(v)), 1e-12);
  });
  it('centred frames are the same frames shifted by half a window', () => {
    const x = randomArray(256, 6);
    const c = magnitudeSpectrogram(x, { frameSize: 64, hop: 32, center: true });
    const p = magnitudeSpectrogram(Float64Array.from([...new Float64Array(32), ...x, ...new Float64Array(32)]), { frameSize: 64, hop: 32, padEnd: false });
    expectClose(c.data, p.data, 1e-12);
  });
  it('rejects bad sizes, hops and too-short signals', () => {
    expect(() => stft(new Float64Array(100), { frameSize: 64, fftSize: 96 })).toThrow('stft: opts.fftSize must be a power of two >= 2 (got 96)');
    expect(() => stft(new Float64Array(100), { frameSize: 64, hop: 0 })).toThrow('stft: opts.hop must be an integer >= 1 (got 0)');
    expect(() => stft(new Float64Array(10), { frameSize: 64, padEnd: false })).toThrow('stft: the signal (10 samples) is shorter than one frame of 64');
  });
});

describe('mel and MFCC', () => {
  const M = melWeightMatrix(40, 513, 16000, 0, 8000);
  const centers = Array.from({ length: 40 }, (_, m) => hzToMelHtk(8000) * ((m + 1) / 41));
  it('each triangle peaks at the bin nearest its HTK centre frequency 700·(e^{mel/1127} − 1)', () => {
    for (let m = 0; m < 40; m++) {
      let best = 0;
      for (let b = 0; b < 513; b++) if (M.weights[b * 40 + m] > M.weights[best * 40 + m]) best = b;
      const fc = 700 * (Math.exp(centers[m] / 1127) - 1);
      expect(Math.abs((best * 8000) / 512 - fc)).toBeLessThanOrEqual(8000 / 512);
      expect(M.weights[best * 40 + m]).toBeLessThanOrEqual(1);
    }
  });
  it('rows sum to 1 between the first and last centre (triangles tile the mel axis), DC gets nothing', () => {
    for (let b = 1; b < 513; b++) {
      const mel = hzToMelHtk((b * 8000) / 512);
      if (mel <= centers[0] || mel >= centers[39]) continue;
      let s = 0;
      for (let m = 0; m < 40; m++) s += M.weights[b * 40 + m];
      expect(s).toBeCloseTo(1, 12);
    }
    for (let m = 0; m < 40; m++) expect(M.weights[m]).toBe(0);
  });
  it('MFCC of a constant log-mel c is [c·√(2N), 0, 0, …] (TF’s DCT-II scaling)', () => {
    const lm = frames(new Float64Array(3 * 128).fill(-2), 3, 128);
    const c = dctII(lm, 13);
    for (let t = 0; t < 3; t++) {
      expect(c.get(t, 0)).toBeCloseTo(-2 * Math.sqrt(256), 12);
      for (let k = 1; k < 13; k++) expect(Math.abs(c.get(t, k))).toBeLessThan(1e-12);
    }
  });
  it('melSpectrogram is the magnitude spectrogram times the matrix; mfcc has 13 coefficients per frame', () => {
    const x = randomArray(4000, 8);
    const mel = melSpectrogram(x, { frameSize: 256, nMels: 20 });
    const mag = magnitudeSpectrogram(x, { frameSize: 256 });
    const W = melWeightMatrix(20, 129, 16000, 0, 8000);
    const t = 3;
    for (let m = 0; m < 20; m++) {
      let s = 0;
      for (let b = 0; b < 129; b++) s += mag.get(t, b) * W.weights[b * 20 + m];
      expect(mel.get(t, m)).toBeCloseTo(s, 12);
    }
    expect(mfcc(x).shape).toEqual([Math.ceil(4000 / 256), 13]);
  });
});
