import { describe, expect, it } from 'vitest';
import { resampleAudio, resampleAudioVjp } from '../../src/spectral/index.ts';
import { randomArray } from '../helpers.ts';

const sine = (f: number, sr: number, n: number) => Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / sr));
const rms = (x: Float64Array, a = 0, b = x.length) => {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i] * x[i];
  return Math.sqrt(s / (b - a));
};

describe('resampleAudio', () => {
  it('rejects a tone above the new Nyquist by ≥ 60 dB (44.1 kHz → 16 kHz, 12 kHz tone)', () => {
    for (const f of [8500, 12000, 20000]) {
      const y = resampleAudio(sine(f, 44100, 44100), 44100, 16000);
      expect(y.length).toBe(16000);
      const db = 20 * Math.log10(rms(y, 200, 15800) / Math.SQRT1_2);
      expect(db, `${f} Hz`).toBeLessThan(-60);
    }
  });

  it('passes tones up to 3/4 of the lower Nyquist at their frequency with unit gain (down- and upsampling)', () => {
    for (const [from, to, f] of [[44100, 16000, 1000], [48000, 16000, 6000], [22050, 16000, 440], [8000, 16000, 3000], [16000, 16000, 1234]] as const) {
      const y = resampleAudio(sine(f, from, from), from, to);
      expect(y.length).toBe(to);
      const want = sine(f, to, to);
      let err = 0;
      for (let i = 300; i < to - 300; i++) err = Math.max(err, Math.abs(y[i] - want[i]));
      expect(err, `${from} → ${to}, ${f} Hz`).toBeLessThan(2e-3);
    }
  });

  it('passes DC exactly away from the edges and gives ⌈n·to/from⌉ samples', () => {
    const y = resampleAudio(new Float64Array(1000).fill(0.25), 44100, 16000);
    expect(y.length).toBe(Math.ceil((1000 * 16000) / 44100));
    for (let i = 40; i < y.length - 40; i++) expect(y[i]).toBeCloseTo(0.25, 14);
  });

  it('its VJP is the transpose: ⟨ȳ, R x⟩ = ⟨Rᵀ ȳ, x⟩', () => {
    const x = randomArray(500, 3);
    const gy = randomArray(resampleAudio(x, 22050, 16000).length, 4);
    const y = resampleAudio(x, 22050, 16000);
    const gx = resampleAudioVjp(gy, x, 22050, 16000);
    let a = 0;
    let b = 0;
    for (let i = 0; i < y.length; i++) a += gy[i] * y[i];
    for (let i = 0; i < x.length; i++) b += gx[i] * x[i];
    expect(a).toBeCloseTo(b, 10);
  });

  it('names bad arguments', () => {
    expect(() => resampleAudio(new Float64Array(4), 44100.5, 16000)).toThrow('resampleAudio: fromRate must be an integer');
    expect(() => resampleAudio(new Float64Array(4), 44100, 16000, { rolloff: 2 })).toThrow('resampleAudio: opts.rolloff must be in (0, 1] (got 2)');
    expect(() => resampleAudioVjp(new Float64Array(3), new Float64Array(4), 8000, 16000)).toThrow('resampleAudioVjp: gy must have 8 samples');
  });
});
