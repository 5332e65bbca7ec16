/**
 * f0 trackers on 8 s of FluidSynth instruments (test/fixtures/pitch/instruments.wav, 16 kHz,
 * hop 64 = 250 frames/s, fMin 40 Hz, fMax 2100 Hz: 401 lags per frame): pYIN against our YIN,
 * and each as a multiple of real time on one core.
 */
import { readFileSync } from 'node:fs';
import { decodeWav, toMono } from '../src/io/index.ts';
import { pyin, yin } from '../src/spectral/index.ts';
import { compare, printTable } from './harness.ts';

export function benchPitch() {
  const w = decodeWav(new Uint8Array(readFileSync(new URL('../test/fixtures/pitch/instruments.wav', import.meta.url))));
  const x = toMono(w.channels);
  const seconds = x.length / w.sampleRate;
  const row = compare({
    name: `pyin, ${seconds} s of instruments at 16 kHz, 250 frames/s`,
    ours: () => pyin(x, { sampleRate: w.sampleRate }).f0Hz,
    baseline: () => yin(x, { sampleRate: w.sampleRate }).f0Hz,
    baselineName: 'yin (same frames)',
  });
  printTable('pitch', [row]);
  console.log(`\npitch: pyin ${(seconds * 1000 / row.oursMs).toFixed(0)}× real time, yin ${(seconds * 1000 / row.baselineMs).toFixed(0)}× real time (one core)`);
  return [row];
}
