import { describe, expect, it } from 'vitest';
import { frames } from '../../src/core/frames.ts';
import { harmonicNoiseVoice } from '../../src/realtime/voice.ts';
import { filteredNoise, harmonicSynth } from '../../src/synths/index.ts';

/** F frames of controls: a glide with vibrato, a changing spectrum, noise shaped per frame. */
function controls(F: number, K: number, B: number, sr: number) {
  const A = Float64Array.from({ length: F }, (_, j) => 0.3 + 0.2 * Math.sin(j / 7));
  const f0 = Float64Array.from({ length: F }, (_, j) => 220 * 2 ** (j / (F * 2)) * (1 + 0.01 * Math.sin(j / 3)));
  const D = new Float64Array(F * K);
  for (let j = 0; j < F; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += D[j * K + k] = (k + 1) * f0[j] < sr / 2 ? (1 + 0.5 * Math.sin(0.3 * k + j / 9)) / (k + 1) : 0;
    for (let k = 0; k < K; k++) D[j * K + k] /= s;
  }
  const N = Float64Array.from({ length: F * B }, (_, i) => 0.01 + 0.02 * Math.exp(-(i % B) / 20) * (1 + 0.5 * Math.sin(i / 11)));
  return { A, f0, D, N };
}

function oneShot(c: ReturnType<typeof controls>, F: number, K: number, B: number, hop: number, sr: number, ampResample: 'window' | 'linear', seed: number) {
  const nSamples = (F - 1) * hop;
  const h = harmonicSynth(c.A, frames(c.D, F, K), c.f0, { nSamples, sampleRate: sr, addEndpoint: false, ampResample }).audio;
  const n = filteredNoise(frames(c.N.slice(0, (F - 1) * B), F - 1, B), { nSamples, windowSize: 0, delayCompensation: 0, seed });
  return h.map((v, i) => v + n[i]);
}

describe('harmonicNoiseVoice', () => {
  for (const [hop, sr, ampResample] of [[64, 16000, 'window'], [192, 48000, 'linear'], [100, 44100, 'window']] as const) {
    it(`streams in 128-sample blocks what the one-shot synths render (hop ${hop}, ${sr} Hz, ${ampResample})`, () => {
      const F = 40;
      const K = 30;
      const B = 65;
      const c = controls(F, K, B, sr);
      const ref = oneShot(c, F, K, B, hop, sr, ampResample, 5);
      const v = harmonicNoiseVoice({ sampleRate: sr, hop, nHarmonics: K, nBands: B, ampResample, seed: 5, capacity: 16 });
      const out = new Float64Array(ref.length);
      let done = 0;
      let pushed = 0;
      // Feed a few frames at a time, render in render quanta, as a worklet would.
      while (done < out.length) {
        if (pushed < F) pushed += v.push(c.A.subarray(pushed, pushed + 3), c.D.subarray(pushed * K, (pushed + 3) * K), c.f0.subarray(pushed, pushed + 3), c.N.subarray(pushed * B, (pushed + 3) * B));
        const n = v.render(out, done, Math.min(128, out.length - done));
        if (n === 0 && pushed >= F) break;
        done += n;
      }
      expect(done).toBe(ref.length);
      let err = 0;
      let peak = 0;
      for (let i = 0; i < ref.length; i++) {
        err = Math.max(err, Math.abs(out[i] - ref[i]));
        peak = Math.max(peak, Math.abs(ref[i]));
      }
      expect(peak).toBeGreaterThan(0.1);
      expect(err).toBeLessThan(1e-12);
      // Into Float32 (an AudioWorklet's output), the same to float32 rounding.
      const v32 = harmonicNoiseVoice({ sampleRate: sr, hop, nHarmonics: K, nBands: B, ampResample, seed: 5, capacity: 64 });
      v32.push(c.A, c.D, c.f0, c.N);
      const o32 = new Float32Array(ref.length);
      expect(v32.render(o32)).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(o32[i] - ref[i])).toBeLessThan(1e-6);
    });
  }
  it('waits for the next frame (one hop of latency), and holds a bounded queue', () => {
    const v = harmonicNoiseVoice({ sampleRate: 16000, hop: 64, nHarmonics: 2, nBands: 0, capacity: 3 });
    const out = new Float64Array(256);
    expect(v.render(out)).toBe(0);
    expect(v.push(Float64Array.of(1, 1, 1, 1), new Float64Array(8).fill(0.5), Float64Array.of(440, 440, 440, 440))).toBe(3);
    expect(v.queued).toBe(3);
    expect(v.render(out)).toBe(128); // two intervals from three frames
    expect(v.queued).toBe(1);
  });
  it('rejects bad settings and frames by name', () => {
    expect(() => harmonicNoiseVoice({ sampleRate: 16000, hop: 0, nHarmonics: 4, nBands: 65 })).toThrow('harmonicNoiseVoice: opts.hop');
    expect(() => harmonicNoiseVoice({ sampleRate: 16000, hop: 64, nHarmonics: 4, nBands: 1 })).toThrow('harmonicNoiseVoice: opts.nBands must be 0 (no noise) or at least 2');
    const v = harmonicNoiseVoice({ sampleRate: 16000, hop: 64, nHarmonics: 2, nBands: 3 });
    expect(() => v.push(Float64Array.of(1), Float64Array.of(1, 0), Float64Array.of(440), new Float64Array(2))).toThrow('harmonicNoiseVoice.push: noise must have n·B = 3 magnitudes (got 2)');
    expect(() => v.push(Float64Array.of(NaN), Float64Array.of(1, 0), Float64Array.of(440), new Float64Array(3))).toThrow('harmonicNoiseVoice.push: amplitude[0] is NaN');
    expect(() => v.render(new Float64Array(4), 2, 3)).toThrow('harmonicNoiseVoice.render: offset 2 and length 3 must lie within out (4 samples)');
  });
});

describe('harmonicNoiseVoice with reverb', () => {
  for (const [irLength, hop] of [[1, 64], [100, 64], [1000, 192], [5000, 100]] as const) {
    it(`equals effects.reverb of the one-shot render (IR ${irLength} taps, hop ${hop})`, async () => {
      const { reverb } = await import('../../src/effects/reverb.ts');
      const sr = 16000;
      const F = 60;
      const K = 12;
      const B = 17;
      const c = controls(F, K, B, sr);
      const ir = Float64Array.from({ length: irLength }, (_, i) => (i === 0 ? 0.7 : 0.5 * Math.exp(-i / (irLength / 4 + 1)) * Math.sin(i * 1.3)));
      const dry = oneShot(c, F, K, B, hop, sr, 'window', 2);
      const ref = reverb(dry, ir);
      const v = harmonicNoiseVoice({ sampleRate: sr, hop, nHarmonics: K, nBands: B, seed: 2, capacity: F, reverbIr: ir });
      v.push(c.A, c.D, c.f0, c.N);
      const out = new Float64Array(ref.length);
      let done = 0;
      while (done < out.length) done += v.render(out, done, Math.min(128, out.length - done)) || out.length;
      let err = 0;
      let peak = 0;
      for (let i = 0; i < ref.length; i++) {
        err = Math.max(err, Math.abs(out[i] - ref[i]));
        peak = Math.max(peak, Math.abs(ref[i] - dry[i]));
      }
      if (irLength > 1) expect(peak).toBeGreaterThan(0.01);
      expect(err).toBeLessThan(1e-12);
    });
  }
});
