/**
 * The real-time voice (realtime.harmonicNoiseVoice): 128-sample render quanta at 48 kHz with 60
 * harmonics and 65 noise bands (a 128-tap FIR), against the one-shot synths rendering the same
 * second. Reports the real-time factor: audio time per block / compute time per block.
 */
import { frames } from '../src/core/frames.ts';
import { harmonicNoiseVoice } from '../src/realtime/voice.ts';
import { filteredNoise, harmonicSynth } from '../src/synths/index.ts';
import { reverb } from '../src/effects/reverb.ts';
import { compare, printTable, type Row } from './harness.ts';

export function benchRealtime(): Row[] {
  const sr = 48000;
  const hop = 192;
  const K = 60;
  const B = 65;
  const F = sr / hop + 1; // 1 s
  const A = new Float64Array(F).fill(0.3);
  const f0 = Float64Array.from({ length: F }, (_, j) => 220 + j);
  const D = Float64Array.from({ length: F * K }, (_, i) => 1 / ((i % K) + 1) / 4.68);
  const N = new Float64Array(F * B).fill(0.01);
  const blocks = (sr / 128) | 0; // 375 quanta
  const out = new Float32Array(128);
  // One second of render quanta from a fresh voice (construction, with its reverb's FFTs, included).
  const second = (reverbIr?: Float64Array) => () => {
    const voice = harmonicNoiseVoice({ sampleRate: sr, hop, nHarmonics: K, nBands: B, capacity: F, ...(reverbIr ? { reverbIr } : {}) });
    voice.push(A, D, f0, N);
    let s = 0;
    for (let b = 0; b < blocks; b++) {
      voice.render(out);
      s += out[0];
    }
    return s;
  };
  const row = compare({
    name: `voice: 1 s at 48 kHz in ${blocks} blocks of 128 (60 harmonics, 65-band noise)`,
    ours: second(),
    baseline: () => {
      const nSamples = (F - 1) * hop;
      const h = harmonicSynth(A, frames(D, F, K), f0, { nSamples, sampleRate: sr, addEndpoint: false }).audio;
      return filteredNoise(frames(N.subarray(0, (F - 1) * B), F - 1, B), { nSamples, windowSize: 0 }).map((v, i) => v + h[i]);
    },
    baselineName: 'one-shot harmonicSynth + filteredNoise',
  });
  // With a 1-s reverb (48000 taps), partitioned: the same against one-shot synths + effects.reverb.
  const ir = Float64Array.from({ length: sr }, (_, i) => 0.2 * Math.exp(-i / 8000) * Math.sin(i * 1.7));
  const row2 = compare({
    name: `voice + 1-s reverb (48000 taps): 1 s at 48 kHz in ${blocks} blocks of 128`,
    ours: second(ir),
    baseline: () => {
      const nSamples = (F - 1) * hop;
      const h = harmonicSynth(A, frames(D, F, K), f0, { nSamples, sampleRate: sr, addEndpoint: false }).audio;
      const n = filteredNoise(frames(N.subarray(0, (F - 1) * B), F - 1, B), { nSamples, windowSize: 0 });
      return reverb(n.map((v, i) => v + h[i]), ir);
    },
    baselineName: 'one-shot synths + effects.reverb',
  });
  printTable('realtime', [row, row2]);
  for (const [r, what] of [[row, 'voice'], [row2, 'voice + 1-s reverb']] as const) {
    const perBlock = r.oursMs / blocks;
    console.log(`${what}: ${(perBlock * 1000).toFixed(1)} µs per 128-sample block (${((128 / sr) * 1000).toFixed(2)} ms of audio) — real-time factor ${((128 / sr) * 1000 / perBlock).toFixed(0)}× on one core`);
  }
  return [row, row2];
}
