import { describe, it, expect } from 'vitest';
import { fftConvolve, fftConvolveStream } from '../../src/spectral/convolve.ts';
import { frequencyImpulseResponse, firLayout } from '../../src/spectral/firDesign.ts';
import { frequencyFilter } from '../../src/spectral/frequencyFilter.ts';
import { frames, type Frames } from '../../src/core/frames.ts';
import { expectClose, randomArray } from '../helpers.ts';

/** Direct time-varying convolution: y_full[m] = Σ_i x[i]·ir_{⌊i/hop⌋}[m − i]. */
function directFull(x: Float64Array, irs: Float64Array[], hop: number): Float64Array {
  const L = irs[0].length;
  const y = new Float64Array(x.length + L - 1);
  for (let i = 0; i < x.length; i++) {
    const h = irs[Math.floor(i / hop)];
    for (let l = 0; l < L; l++) y[i + l] += x[i] * h[l];
  }
  return y;
}

describe('fftConvolve', () => {
  it('equals direct convolution for one IR, valid and same, any delay', () => {
    for (const [N, L] of [[1000, 10], [10, 100], [257, 33], [1, 1]]) {
      const x = randomArray(N, N + 1);
      const h = randomArray(L, L + 2);
      const full = directFull(x, [h], N);
      expectClose(fftConvolve(x, h, { padding: 'valid', delayCompensation: 0 }), full, 1e-12);
      for (const d of [0, 3, Math.floor(L / 2)]) {
        expectClose(fftConvolve(x, h, { delayCompensation: d }), Array.from({ length: N }, (_, n) => full[n + d] ?? 0), 1e-12);
      }
    }
  });
  it('of all-ones signals counts overlaps (DDSP test: (1000, 10) and (10, 100))', () => {
    const y = fftConvolve(new Float64Array(1000).fill(1), new Float64Array(10).fill(1), { padding: 'valid', delayCompensation: 0 });
    expect(y.length).toBe(1009);
    expectClose(y.subarray(0, 12), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10], 1e-12);
    const z = fftConvolve(new Float64Array(10).fill(1), new Float64Array(100).fill(1), { padding: 'valid', delayCompensation: 0 });
    expect(z[50]).toBeCloseTo(10, 12);
  });
  it('filters block by block with IR frames (time-varying), including a ragged last block', () => {
    for (const [N, F, L] of [[64, 8, 5], [1000, 13, 9], [100, 1, 7]]) {
      const x = randomArray(N, 3);
      const irData = randomArray(F * L, 4);
      const irs = Array.from({ length: F }, (_, b) => irData.slice(b * L, (b + 1) * L));
      const hop = Math.ceil(N / F);
      const full = directFull(x, irs, hop);
      expectClose(fftConvolve(x, frames(irData, F, L), { padding: 'valid', delayCompensation: 0 }), full, 1e-12);
      expectClose(fftConvolve(x, frames(irData, F, L)), full.slice(Math.max(0, ((L - 1) >> 1) - 1)).slice(0, N), 1e-12);
    }
  });
  it('rejects IR frame counts that do not split the audio (DDSP: 1010 or 999 frames for 1000 samples)', () => {
    const x = new Float64Array(1000);
    expect(() => fftConvolve(x, frames(new Float64Array(1010 * 3), 1010, 3))).toThrow(
      'fftConvolve: audio of 1000 samples splits into 1000 blocks of 1, but there are 1010 filter frames',
    );
    expect(() => fftConvolve(x, frames(new Float64Array(999 * 3), 999, 3))).toThrow('splits into 500 blocks of 2, but there are 999 filter frames');
    expect(() => fftConvolve(x, new Float64Array(3), { padding: 'full' as never })).toThrow("fftConvolve: opts.padding must be one of 'same', 'valid'");
  });
  it('streams: consecutive blocks with the carried tail equal the one-shot causal output', () => {
    const x = randomArray(96, 9);
    const irData = randomArray(12 * 7, 10);
    const all = fftConvolve(x, frames(irData, 12, 7), { padding: 'valid', delayCompensation: 0 }).slice(0, 96);
    let tail: Float64Array | undefined;
    const parts: number[] = [];
    for (const [f0, f1] of [[0, 5], [5, 6], [6, 12]]) {
      const r = fftConvolveStream(x.slice(f0 * 8, f1 * 8), frames(irData.slice(f0 * 7, f1 * 7), f1 - f0, 7), tail);
      tail = r.tail;
      parts.push(...r.audio);
    }
    expectClose(parts, all, 1e-12);
  });
});

describe('frequencyImpulseResponse', () => {
  // Independent construction from DDSP's description: naive inverse DFT, a zero-phase Hann,
  // then the causal layout (roll, or DDSP's slice when the window is shorter than the IR).
  function oracle(mags: Float64Array, windowSize: number): number[] {
    const B = mags.length;
    const n = 2 * (B - 1);
    const ir0 = Array.from({ length: n }, (_, t) => {
      let s = 0;
      for (let b = 0; b < B; b++) s += (b === 0 || b === B - 1 ? 1 : 2) * mags[b] * Math.cos((2 * Math.PI * b * t) / n);
      return s / n;
    });
    const ws = windowSize <= 0 || windowSize > n ? n : windowSize;
    // tf.signal.hann_window(ws) as DDSP calls it (periodic=True): denominator ws for even ws,
    // ws − 1 for odd ws (TF makes odd "periodic" windows symmetric).
    const den = ws % 2 === 0 ? ws : ws - 1;
    const hann = Array.from({ length: ws }, (_, m) => 0.5 - 0.5 * Math.cos((2 * Math.PI * m) / den));
    if (ws === n) {
      const win = [...hann.slice(n / 2), ...hann.slice(0, n / 2)];
      const w = ir0.map((v, i) => v * win[i]);
      return [...w.slice(n / 2), ...w.slice(0, n / 2)];
    }
    const half = Math.floor((ws + 1) / 2);
    const win = [...hann.slice(half), ...new Array(n - ws).fill(0), ...hann.slice(0, half)];
    const w = ir0.map((v, i) => v * win[i]);
    return [...w.slice(n - half + 2), ...w.slice(0, half + 1)];
  }
  it('has DDSP’s output lengths: (2048, 0) → 2048, (2048, 257) → 257, (1024, 22) → 21, (1024, 2048) → 1024', () => {
    for (const [size, ws, len] of [[2048, 0, 2048], [2048, 257, 257], [1024, 22, 21], [1024, 2048, 1024]]) {
      expect(frequencyImpulseResponse(new Float64Array(size / 2 + 1).fill(1), { windowSize: ws }).length).toBe(len);
    }
  });
  it('equals the construction written out independently (power-of-two and other sizes)', () => {
    for (const [B, ws] of [[65, 0], [65, 257], [65, 33], [65, 32], [9, 4], [11, 0], [11, 7]]) {
      const mags = randomArray(B, B + ws, 0, 1);
      expectClose(frequencyImpulseResponse(mags, { windowSize: ws }), oracle(mags, ws), 1e-13);
    }
  });
  // The zero-lag tap is scaled by TF's Hann at index ⌊(ws+1)/2⌋ (exactly 1 only for even ws).
  const peak = (B: number, ws: number) =>
    ws <= 0 || ws >= 2 * (B - 1) ? 1 : 0.5 - 0.5 * Math.cos((2 * Math.PI * Math.floor((ws + 1) / 2)) / (ws % 2 === 0 ? ws : ws - 1));
  it('of unit magnitudes is an impulse at its zero-lag tap, of the window’s height there', () => {
    for (const [B, ws] of [[65, 0], [1025, 257], [129, 64]]) {
      const ir = frequencyImpulseResponse(new Float64Array(B).fill(1), { windowSize: ws });
      const lag = firLayout(B, ws).zeroLag;
      expect(lag).toBe(ws <= 0 ? B - 1 : Math.floor((ws + 1) / 2) - 2);
      expectClose(ir, Array.from(ir, (_, i) => (i === lag ? peak(B, ws) : 0)), 1e-13);
    }
  });
  it('matches DDSP 3.7 on TensorFlow for an odd window shorter than the IR (linspace(1, 0, 129), window 129, taps 60…67)', () => {
    const m = Float64Array.from({ length: 129 }, (_, i) => 1 - i / 128);
    const ddsp = [0.02247176, 0, 0.20265254, 0.49969888, 0.20216462, 0, 0.02230958, 0]; // float32 output of DDSP
    expectClose(frequencyImpulseResponse(m, { windowSize: 129 }).slice(60, 68), ddsp, 5e-8);
  });
  it('works frame by frame on [F, B] and keeps the shape [F, L]', () => {
    const m = frames(randomArray(3 * 17, 2, 0, 1), 3, 17);
    const ir = frequencyImpulseResponse(m, { windowSize: 9 }) as Frames;
    expect(ir.shape).toEqual([3, 9]);
    expectClose(ir.data.slice(9, 18), oracle(m.data.slice(17, 34), 9), 1e-13);
  });
});

describe('frequencyFilter', () => {
  it('with constant magnitudes is gain × identity (DDSP: gain 1.0 or 0.1, 1025 bins, window 257) — exactly aligned', () => {
    const x = randomArray(1000, 5);
    // TF's odd Hann (symmetric, denominator 256) read at index 129: 0.99985; DDSP's own test allows 1e-3.
    const h257 = 0.5 - 0.5 * Math.cos((2 * Math.PI * 129) / 256);
    for (const gain of [1, 0.1]) {
      expectClose(frequencyFilter(x, new Float64Array(1025).fill(gain), { windowSize: 257 }), Array.from(x, (v) => gain * h257 * v), 1e-12);
      expectClose(frequencyFilter(x, new Float64Array(65).fill(gain), { windowSize: 0 }), Array.from(x, (v) => gain * v), 1e-12);
    }
  });
  it("keeps 1000 samples with 'same' for 1, 13 and 1000 frames", () => {
    const x = randomArray(1000, 6);
    for (const F of [1, 13, 1000]) expect(frequencyFilter(x, frames(randomArray(F * 33, 1, 0, 1), F, 33)).length).toBe(1000);
  });
  it('DDSP’s automatic delay is 2 samples early when the window fills the IR (reproducible on request)', () => {
    const x = randomArray(300, 7);
    const ones = new Float64Array(65).fill(1);
    const ddsp = frequencyFilter(x, ones, { delayCompensation: ((128 - 1) >> 1) - 1 });
    expectClose(ddsp.slice(2), x.slice(0, 298), 1e-12);
  });
});
