import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeWav, toMono } from '../../src/io/index.ts';
import { pyin, yin } from '../../src/spectral/index.ts';
import { betaIntervalProbs } from '../../src/spectral/pitchPriors.ts';
import { CLIP_SECONDS, SR, clips, midiHz, clipNotes } from '../fixtures/pitch/clips.ts';
import { randomArray } from '../helpers.ts';

const cents = (f: number, truth: number) => 1200 * Math.log2(f / truth);
const median = (v: number[]) => {
  const s = v.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
};

/** A tone with instantaneous frequency fAt(t): phase the running sum, harmonics k ≤ K below Nyquist, amplitude 0.5/k. */
function tone(fAt: (t: number) => number, n: number, K = 1): Float64Array {
  const x = new Float64Array(n);
  let ph = 0;
  for (let i = 0; i < n; i++) {
    const f = fAt(i / SR);
    ph += (2 * Math.PI * f) / SR;
    for (let k = 1; k <= K && k * f < SR / 2; k++) x[i] += (0.5 / k) * Math.sin(k * ph);
  }
  return x;
}

/** Signed cents of a track against fAt at its own time stamps, frames 5…n−6, where `use` says. */
function errors(f0: Float64Array, times: Float64Array, fAt: (t: number) => number, use: (t: number) => boolean): number[] {
  const e: number[] = [];
  for (let t = 5; t < f0.length - 5; t++) if (use(t)) e.push(cents(f0[t], fAt(times[t])));
  return e;
}

describe('yin', () => {
  it('stamps frame t at t·hop and centres its analysis there: frame 0 of a full-scale sine reads its pitch', () => {
    const x = tone(() => 440, 8000);
    const r = yin(x); // zero padding (the default)
    expect(r.times.length).toBe(8000 / 64 + 1);
    expect(r.times[3]).toBeCloseTo((3 * 64) / SR, 12);
    expect(Math.abs(cents(r.f0Hz[0], 440))).toBeLessThan(1);
    expect(r.confidence[0]).toBeGreaterThan(0.9);
    expect(Math.abs(cents(pyin(x).f0Hz[0], 440))).toBeLessThan(1);
    // Reflection mirrors the wave about sample 0 (sin becomes |sin|-like there): frame 0 is lost.
    expect(Math.abs(cents(yin(x, { padMode: 'reflect' }).f0Hz[0], 440))).toBeGreaterThan(100);
    expect(Math.abs(cents(yin(x, { padMode: 'reflect' }).f0Hz[4], 440))).toBeLessThan(1);
  });

  it('follows a 110 → 880 Hz glide (3 octaves in 4 s) with a median error ≤ 3 cents and no lag', () => {
    const glide = (t: number) => 110 * 2 ** ((3 * t) / 4);
    for (const K of [1, 20]) {
      const r = yin(tone(glide, 4 * SR, K));
      const e = errors(r.f0Hz, r.times, glide, (t) => r.confidence[t] >= 0.5);
      expect(e.length).toBeGreaterThan(0.98 * (r.f0Hz.length - 10));
      expect(median(e.map(Math.abs))).toBeLessThan(3);
      // A track lagging by a few ms reads a rising glide flat by ~1 cent per ms: the signed median stays near 0.
      expect(Math.abs(median(e))).toBeLessThan(1);
    }
  });

  it('reads high pitches without the parabola bias (sines within 0.5 cents up to 1.9 kHz)', () => {
    for (const f of [440, 880, 1234.5, 1600, 1900]) {
      const r = yin(tone(() => f, SR));
      const e = errors(r.f0Hz, r.times, () => f, () => true);
      expect(median(e.map(Math.abs))).toBeLessThan(0.5);
    }
  });

  it('frames without centring start at t·hop and fit inside the signal', () => {
    const x = tone(() => 300, 4000);
    const r = yin(x, { center: false, frameLength: 802, hop: 100 });
    expect(r.f0Hz.length).toBe(Math.floor((4000 - 802) / 100) + 1);
    expect(r.times[0]).toBeCloseTo(401 / SR, 12);
    expect(Math.abs(cents(r.f0Hz[4], 300))).toBeLessThan(1);
    expect(() => yin(new Float64Array(500), { center: false })).toThrow('yin: x has 500 samples, fewer than one frame of 802 (opts.center is false)');
  });

  it('validates the framing against fMin, and hop against frameRate', () => {
    expect(() => yin(new Float64Array(100), { hop: 64, frameRate: 250 })).toThrow('yin: give opts.hop or opts.frameRate, not both');
    expect(() => yin(new Float64Array(100), { frameLength: 600 })).toThrow('raise opts.fMin to at least');
    expect(() => yin(new Float64Array(100), { frameLength: 900, winLength: 900 })).toThrow('yin: opts.winLength must be below opts.frameLength 900 (got 900)');
    expect(() => yin(new Float64Array(100), { frameRate: 300 })).toThrow('whole number of samples');
    expect(() => yin(new Float64Array(100), { padMode: 'edge' as never })).toThrow("yin: opts.padMode must be one of 'reflect', 'zero'");
  });
});

describe('pyin', () => {
  it('the threshold prior is Beta(2, 18): interval masses equal the closed-form CDF 1 − (1−x)^18·(1 + 18x)', () => {
    const cdf = (x: number) => 1 - (1 - x) ** 18 * (1 + 18 * x);
    const p = betaIntervalProbs(100, 2, 18);
    for (let k = 0; k < 100; k++) expect(p[k]).toBeCloseTo(cdf((k + 1) / 100) - cdf(k / 100), 9);
  });

  it('tracks glides and vibrato with median error ≤ 3 cents, not rounded to its 10-cent states', () => {
    const glide = (t: number) => 110 * 2 ** ((3 * t) / 4);
    const vibrato = (t: number) => 330 * 2 ** ((0.5 / 12) * Math.sin(2 * Math.PI * 5.5 * t));
    for (const [fAt, K] of [[glide, 1], [glide, 20], [vibrato, 10]] as const) {
      const r = pyin(tone(fAt, 4 * SR, K));
      const e = errors(r.f0Hz, r.times, fAt, (t) => r.voiced[t] === 1);
      expect(e.length).toBeGreaterThan(0.98 * (r.f0Hz.length - 10));
      expect(median(e.map(Math.abs))).toBeLessThan(3);
    }
    // The states are 10 cents wide; the reported f0 is the candidate's own, so a steady 1234.5 Hz is exact.
    const r = pyin(tone(() => 1234.5, SR));
    expect(median(errors(r.f0Hz, r.times, () => 1234.5, () => true).map(Math.abs))).toBeLessThan(0.5);
  });

  it('calls white noise unvoiced (< 20% of frames) and silence unvoiced with f0 0', () => {
    const noise = pyin(randomArray(4 * SR, 9));
    expect(noise.voiced.reduce((s, v) => s + v, 0) / noise.voiced.length).toBeLessThan(0.2);
    const silence = pyin(new Float64Array(4000));
    expect(silence.voiced.every((v) => v === 0)).toBe(true);
    expect(silence.f0Hz.every((v) => v === 0)).toBe(true);
    expect(silence.voicedProb.every((v) => v === 0)).toBe(true);
  });

  it("fills unvoiced frames as asked: 'zero', 'nan', or the nearest voiced frame's f0", () => {
    const x = new Float64Array(SR);
    x.set(tone(() => 220, 4000), 2000); // 220 Hz from 0.125 s to 0.375 s, silence around
    x.set(tone(() => 330, 4000), 10000); // 330 Hz from 0.625 s to 0.875 s
    const z = pyin(x);
    const n = pyin(x, { fill: 'nan' });
    const near = pyin(x, { fill: 'nearest' });
    for (let t = 0; t < z.f0Hz.length; t++) {
      if (z.voiced[t]) {
        expect(n.f0Hz[t]).toBe(z.f0Hz[t]);
        expect(near.f0Hz[t]).toBe(z.f0Hz[t]);
        continue;
      }
      expect(z.f0Hz[t]).toBe(0);
      expect(n.f0Hz[t]).toBeNaN();
      let prev = t;
      while (prev >= 0 && !z.voiced[prev]) prev--;
      let next = t;
      while (next < z.f0Hz.length && !z.voiced[next]) next++;
      const from = prev < 0 ? next : next >= z.f0Hz.length ? prev : t - prev <= next - t ? prev : next;
      expect(near.f0Hz[t]).toBe(z.f0Hz[from]);
    }
    // The two tones' frames read 220 and 330 Hz.
    for (let t = 0; t < z.f0Hz.length; t++) {
      const time = z.times[t];
      if (time > 0.15 && time < 0.35) expect(Math.abs(cents(z.f0Hz[t], 220))).toBeLessThan(1);
      if (time > 0.65 && time < 0.85) expect(Math.abs(cents(z.f0Hz[t], 330))).toBeLessThan(1);
    }
    expect(z.voiced.reduce((s, v) => s + v, 0)).toBeGreaterThan(80);
  });

  /**
   * FluidSynth renders (test/fixtures/pitch): the MIDI notes are the truth. A frame is scored when
   * its 50-ms analysis window lies inside one note's sounding time — from 50 ms after its onset
   * (half a frame plus the attack) to 25 ms before the next onset (the release sounds until then).
   */
  it('on five instruments: ≥ 98% of voiced frames within 50 cents, no octave errors, ≥ 90% recall', () => {
    const x = toMono(decodeWav(new Uint8Array(readFileSync(new URL('../fixtures/pitch/instruments.wav', import.meta.url)))).channels);
    const n = CLIP_SECONDS * SR;
    for (const [i, c] of clips.entries()) {
      const r = pyin(x.slice(i * n, (i + 1) * n));
      const notes = clipNotes(c.pitches);
      let scored = 0;
      let voiced = 0;
      let good = 0;
      let octave = 0;
      for (let t = 0; t < r.f0Hz.length; t++) {
        const time = r.times[t];
        const k = notes.findIndex((nt, j) => time >= nt.start + 0.05 && time < (j + 1 < notes.length ? notes[j + 1].start - 0.025 : nt.start + nt.duration));
        if (k < 0) continue;
        scored++;
        if (!r.voiced[t]) continue;
        voiced++;
        const e = cents(r.f0Hz[t], midiHz(notes[k].pitch));
        if (Math.abs(e) < 50) good++;
        if (Math.abs(e) > 1100) octave++;
      }
      expect(scored, c.name).toBeGreaterThan(250);
      expect(voiced / scored, `${c.name} recall`).toBeGreaterThanOrEqual(0.9);
      expect(good / voiced, `${c.name} within 50 cents`).toBeGreaterThanOrEqual(0.98);
      expect(octave, `${c.name} octave errors`).toBe(0);
    }
  });

  it('names bad options', () => {
    expect(() => pyin(new Float64Array(100), { switchProb: 1 })).toThrow('pyin: opts.switchProb must be in (0, 1) (got 1)');
    expect(() => pyin(new Float64Array(100), { betaParameters: [0.5, 18] })).toThrow('pyin: opts.betaParameters must be [a, b] with 1 ≤ a, b ≤ 10000');
    expect(() => pyin(new Float64Array(100), { fill: 'hold' as never })).toThrow("pyin: opts.fill must be one of 'zero', 'nan', 'nearest'");
    expect(() => pyin(new Float64Array(100), { threshold: 0.1 } as never)).toThrow("pyin: unknown option 'threshold'");
  });
});
