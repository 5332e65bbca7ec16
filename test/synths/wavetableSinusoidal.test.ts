import { describe, it, expect } from 'vitest';
import { wavetableSynth } from '../../src/synths/wavetable.ts';
import { sinusoidalSynth, harmonicToSinusoidal } from '../../src/synths/sinusoidal.ts';
import { harmonicSynth } from '../../src/synths/harmonic.ts';
import { frames, type Frames } from '../../src/core/frames.ts';
import { expectClose, f64, randomArray } from '../helpers.ts';

const fill = (n: number, v: number) => new Float64Array(n).fill(v);
const sineTable = (W: number) => Float64Array.from({ length: W }, (_, i) => Math.sin((2 * Math.PI * i) / W));

describe('wavetableSynth', () => {
  for (const f of [440, 1000]) {
    it(`a table holding one sine cycle gives a ${f} Hz sine (DDSP allows 3e-2; linear lookup on 2048 points is within 1e-5)`, () => {
      const { audio } = wavetableSynth(fill(10, 1), sineTable(2048), fill(10, f), { nSamples: 1600 });
      expectClose(audio, Array.from(audio, (_, n) => Math.sin((2 * Math.PI * f * n) / 16000)), 1e-5);
    });
  }
  it('equals DDSP’s recipe with materialised per-sample tables (time-varying tables, amplitude and f0)', () => {
    const F = 4;
    const W = 16;
    const hop = 20;
    const amp = randomArray(F, 1, 0.2, 1);
    const tabs = randomArray(F * W, 2);
    const f0 = randomArray(F, 3, 100, 900);
    const { audio } = wavetableSynth(amp, frames(tabs, F, W), f0, { nSamples: F * hop });
    const expected = new Float64Array(F * hop);
    let p = 0;
    for (let n = 0; n < F * hop; n++) {
      const j = Math.floor(n / hop);
      const j1 = Math.min(j + 1, F - 1);
      const u = (n - j * hop) / hop;
      const alpha = 0.5 - 0.5 * Math.cos(Math.PI * u);
      const table = Array.from({ length: W + 1 }, (_, i) => tabs[j * W + (i % W)] * (1 - u) + tabs[j1 * W + (i % W)] * u);
      // linear_lookup: weights relu(1 − |p − grid|·W) on grid linspace(0, 1, W + 1)
      let v = 0;
      for (let i = 0; i <= W; i++) v += Math.max(0, 1 - Math.abs(p - i / W) * W) * table[i];
      expected[n] = (amp[j] + alpha * (amp[j1] - amp[j])) * v;
      p = (p + (f0[j] + u * (f0[j1] - f0[j])) / 16000) % 1;
    }
    expectClose(audio, expected, 1e-12);
  });
  it('streams with the carried phase', () => {
    const tab = sineTable(64);
    const all = wavetableSynth(fill(4, 1), tab, f64(300, 500, 700, 200), { nSamples: 90, addEndpoint: false });
    const a = wavetableSynth(fill(2, 1), tab, f64(300, 500), { nSamples: 30, addEndpoint: false });
    const b = wavetableSynth(fill(3, 1), tab, f64(500, 700, 200), { nSamples: 60, addEndpoint: false, initialPhase: a.phase });
    expectClose([...a.audio, ...b.audio], all.audio, 1e-12);
  });
  it('rejects tables per frame that do not match the frames', () => {
    expect(() => wavetableSynth(fill(3, 1), frames(fill(8, 0), 2, 4), fill(3, 100), { nSamples: 30 })).toThrow(
      'wavetableSynth: wavetables must have one table per frame (3), got 2',
    );
  });
});

describe('sinusoidalSynth', () => {
  it('one partial at sr/4 gives sin(π/2·(n+1))', () => {
    const { audio } = sinusoidalSynth(frames(fill(2, 1), 2, 1), frames(fill(2, 4000), 2, 1), { nSamples: 32 });
    expectClose(audio, Array.from(audio, (_, n) => Math.sin((Math.PI / 2) * (n + 1))), 1e-13);
  });
  it('is silent at and above Nyquist', () => {
    const { audio } = sinusoidalSynth(frames(fill(4, 1), 2, 2), frames(f64(8000, 9000, 8000, 12000), 2, 2), { nSamples: 32 });
    expect(audio.every((v) => v === 0)).toBe(true);
  });
  it('of harmonicToSinusoidal equals harmonicSynth of the normalised controls', () => {
    const F = 6;
    const K = 20;
    const amp = randomArray(F, 4, 0.1, 1);
    const dist = frames(randomArray(F * K, 5, 0, 1), F, K);
    const f0 = randomArray(F, 6, 200, 700);
    const { amplitudes, frequencies } = harmonicToSinusoidal(amp, dist, f0);
    const viaSin = sinusoidalSynth(amplitudes, frequencies, { nSamples: F * 64 });
    const norm = harmonicToSinusoidal(f64(...new Array(F).fill(1)), dist, f0).amplitudes as Frames;
    const viaHarm = harmonicSynth(amp, norm, f0, { nSamples: F * 64 });
    expectClose(viaSin.audio, viaHarm.audio, 1e-9);
  });
});

describe('harmonicToSinusoidal (DDSP vectors)', () => {
  it('f0 = MIDI [80, 81, 82, 81, 80], amplitude 10, three equal harmonics → 10/3 each at f0·[1, 2, 3]', () => {
    const f0 = Float64Array.from([80, 81, 82, 81, 80], (m) => 440 * 2 ** ((m - 69) / 12));
    const r = harmonicToSinusoidal(fill(5, 10), frames(fill(15, 1), 5, 3), f0);
    expectClose((r.amplitudes as Frames).data, fill(15, 10 / 3), 1e-14);
    expectClose((r.frequencies as Frames).data, Array.from({ length: 15 }, (_, i) => f0[Math.floor(i / 3)] * ((i % 3) + 1)), 1e-14);
  });
  it('f0 = [200, 400, 8001] zeroes the fundamental at 8001 Hz', () => {
    const r = harmonicToSinusoidal(fill(3, 1), frames(fill(3, 1), 3, 1), f64(200, 400, 8001));
    expect(Array.from((r.amplitudes as Frames).data)).toEqual([1, 1, 0]);
  });
});
