/** Synthesizer benchmarks: ours against the straightforward DDSP recipe, in one process. */
import { harmonicSynth, harmonicSynthVjp } from '../src/synths/harmonic.ts';
import { filteredNoise, filteredNoiseVjp } from '../src/synths/filteredNoise.ts';
import { fftConvolve } from '../src/spectral/convolve.ts';
import { frames } from '../src/core/frames.ts';
import { compare, printTable, type Row } from './harness.ts';
import { ddspHarmonic, harmonicCase, noise } from './cases.ts';
import { spawnSync } from 'node:child_process';

function directConvolve(x: Float64Array, h: Float64Array): Float64Array {
  const y = new Float64Array(x.length + h.length - 1);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    for (let l = 0; l < h.length; l++) y[i + l] += xi * h[l];
  }
  return y;
}

function directConvolveFrames(x: Float64Array, h: Float64Array, F: number, L: number): Float64Array {
  const hop = Math.ceil(x.length / F);
  const y = new Float64Array(x.length + L - 1);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const o = Math.floor(i / hop) * L;
    for (let l = 0; l < L; l++) y[i + l] += xi * h[o + l];
  }
  return y;
}

/** Typed-array bytes allocated by a bench/memory.ts case, measured in a fresh process. */
function allocatedBytes(name: string): number {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, 'bench/memory.ts', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`memory case ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string).bytes;
}

export function benchSynths(): Row[] {
  const { T, F, K, amp, dist: distData, f0, opts, g } = harmonicCase();
  const dist = frames(distData, F, K);

  const fwd = compare({
    name: `harmonicSynth forward, 4 s, ${F} frames, ${K} harmonics`,
    ours: () => harmonicSynth(amp, dist, f0, opts).audio,
    baseline: () => ddspHarmonic(amp, distData, f0, F, K, T),
    baselineName: 'DDSP recipe ([T,K] + Math.sin)',
  });
  const both = compare({
    name: 'harmonicSynth forward + VJP',
    ours: () => {
      harmonicSynth(amp, dist, f0, opts);
      return harmonicSynthVjp(g, amp, dist, f0, opts).f0Hz;
    },
    baseline: () => harmonicSynth(amp, dist, f0, opts).audio,
    baselineName: 'our forward alone',
  });
  const memOurs = allocatedBytes('harmonic-ours');
  const memBase = allocatedBytes('harmonic-ddsp');
  const nsPer = (fwd.oursMs * 1e6) / (T * K);
  console.log(`\nharmonicSynth: ${nsPer.toFixed(2)} ns per harmonic-sample, ${(4000 / fwd.oursMs).toFixed(0)}× real time; ` +
    `forward+VJP = ${(both.oursMs / both.baselineMs).toFixed(2)}× forward; typed arrays allocated by forward+VJP ${(memOurs / 1e6).toFixed(2)} MB ` +
    `(one [T, K] float64 buffer is ${((T * K * 8) / 1e6).toFixed(1)} MB; the DDSP recipe allocates ${(memBase / 1e6).toFixed(1)} MB)`);

  const B = 65;
  const mags = frames(noise(F * B, 5, 0, 1), F, B);
  const nOpts = { nSamples: T, windowSize: 257 };
  const nf = compare({
    name: `filteredNoise forward + VJP, ${B} bands, 4 s`,
    ours: () => {
      filteredNoise(mags, nOpts);
      return filteredNoiseVjp(g, mags, nOpts);
    },
    baseline: () => filteredNoise(mags, nOpts),
    baselineName: 'our forward alone',
  });

  const rows: Row[] = [fwd, both, nf];
  const x = noise(T, 6);
  for (const L of [32, 256, 2048]) {
    const h = noise(L, 7 + L);
    rows.push(compare({
      name: `fftConvolve, ${T} samples ⊛ ${L} taps`,
      ours: () => fftConvolve(x, h, { padding: 'valid', delayCompensation: 0 }),
      baseline: () => directConvolve(x, h),
      baselineName: 'direct convolution',
    }));
  }
  const hv = noise(F * 128, 9);
  rows.push(compare({
    name: `fftConvolve time-varying, ${F} frames × 128 taps`,
    ours: () => fftConvolve(x, frames(hv, F, 128), { padding: 'valid', delayCompensation: 0 }),
    baseline: () => directConvolveFrames(x, hv, F, 128),
    baselineName: 'direct convolution',
  }));
  printTable('synths', rows);
  return rows;
}
