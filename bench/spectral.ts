/** Spectral benchmarks: rfft against a naive DFT and against fft.js's own complex transform; the spectral loss. */
import FFT from 'fft.js';
import { rfft } from '../src/spectral/fft.ts';
import { rfftInto } from '../src/spectral/fftCore.ts';
import { makeSpectralLoss } from '../src/losses/spectralLoss.ts';
import { compare, printTable, type Row } from './harness.ts';
import { noise } from './cases.ts';

function naiveDft(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n + 2);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      const a = (2 * Math.PI * k * t) / n;
      re += x[t] * Math.cos(a);
      im -= x[t] * Math.sin(a);
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

export function benchSpectral(): Row[] {
  const rows: Row[] = [];
  for (const n of [16, 64, 256]) {
    const x = noise(n, n);
    rows.push(compare({ name: `rfft, n = ${n}`, ours: () => rfft(x).re, baseline: () => naiveDft(x), baselineName: 'naive O(n²) DFT' }));
  }
  for (const n of [256, 1024, 4096]) {
    const x = noise(n, n + 1);
    const f = new FFT(n);
    const cin = f.toComplexArray(Array.from(x), undefined);
    const cout = f.createComplexArray();
    rows.push(compare({
      name: `rfft, n = ${n}`,
      ours: () => rfft(x).re,
      baseline: () => {
        f.transform(cout, cin);
        return cout[0];
      },
      baselineName: 'fft.js complex transform',
    }));
    const spec = new Float64Array(2 * n);
    rows.push(compare({
      name: `rfftInto (no allocation), n = ${n}`,
      ours: () => {
        rfftInto(x, n, spec);
        return spec[0];
      },
      baseline: () => {
        f.transform(cout, cin);
        return cout[0];
      },
      baselineName: 'fft.js complex transform',
    }));
  }
  const N = 64000;
  const target = noise(N, 5, -0.5, 0.5);
  const value = noise(N, 6, -0.5, 0.5);
  const L = makeSpectralLoss(target, { magWeight: 1, logmagWeight: 1 });
  const both = compare({
    name: 'spectral loss, 4 s at 16 kHz, 6 scales (mag + logmag): forward + VJP',
    ours: () => L.valueAndGrad(value).grad,
    baseline: () => L.loss(value),
    baselineName: 'its forward alone',
  });
  rows.push(both);
  printTable('spectral', rows);
  console.log(`\nspectral loss: forward ${both.baselineMs.toFixed(1)} ms, forward+VJP ${both.oursMs.toFixed(1)} ms = ${(both.oursMs / both.baselineMs).toFixed(2)}× the forward (target features cached)`);
  return rows;
}
