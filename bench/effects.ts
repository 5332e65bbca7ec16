/** Effect benchmarks: FFT reverb against direct convolution; the time-varying biquad against a plain loop. */
import { reverb, reverbVjp } from '../src/effects/reverb.ts';
import { biquad, biquadVjp } from '../src/effects/iir.ts';
import { rbjBiquad } from '../src/effects/rbj.ts';
import { compare, printTable, type Row } from './harness.ts';
import { noise } from './cases.ts';

function directReverb(x: Float64Array, ir: Float64Array): Float64Array {
  const y = Float64Array.from(x);
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    const top = Math.min(ir.length - 1, n);
    for (let l = 1; l <= top; l++) s += ir[l] * x[n - l];
    y[n] += s;
  }
  return y;
}

/** A plain direct-form-I loop over coefficient arrays, no validation. */
function plainBiquad(x: Float64Array, b0: Float64Array, b1: Float64Array, b2: Float64Array, a1: Float64Array, a2: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let n = 0; n < x.length; n++) {
    const v = b0[n] * x[n] + b1[n] * x1 + b2[n] * x2 - a1[n] * y1 - a2[n] * y2;
    x2 = x1;
    x1 = x[n];
    y2 = y1;
    y1 = v;
    y[n] = v;
  }
  return y;
}

export function benchEffects(): Row[] {
  const x = noise(64000, 1, -0.5, 0.5);
  const ir = noise(48000, 2, -0.01, 0.01);
  const g = noise(64000, 3);
  const rows: Row[] = [];
  rows.push(compare({ name: 'reverb, 48000-tap IR over 64000 samples', ours: () => reverb(x, ir), baseline: () => directReverb(x, ir), baselineName: 'direct convolution' }, 1000, 1));
  const fb = compare({
    name: 'reverb forward + VJP (audio and IR)',
    ours: () => {
      reverb(x, ir);
      return reverbVjp(g, x, ir).ir;
    },
    baseline: () => reverb(x, ir),
    baselineName: 'our forward alone',
  });
  rows.push(fb);
  const T = 48000;
  const s = noise(T, 4);
  const f = Float64Array.from({ length: T }, (_, n) => 300 * Math.pow(20, 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / T)));
  const c = rbjBiquad('lowpass', f, new Float64Array(T).fill(2), new Float64Array(T), { sampleRate: 48000 });
  const gy = noise(T, 5);
  const fwd = compare({ name: 'biquad forward, 1 s at 48 kHz, time-varying', ours: () => biquad(s, c), baseline: () => plainBiquad(s, c.b0, c.b1, c.b2, c.a1, c.a2), baselineName: 'plain direct-form loop' });
  const vjp = compare({ name: 'biquad VJP (input + 5 coefficient tracks)', ours: () => biquadVjp(gy, s, c).x, baseline: () => biquad(s, c), baselineName: 'our forward' });
  rows.push(fwd, vjp);
  printTable('effects', rows);
  console.log(`\nbiquad VJP = ${(vjp.oursMs / vjp.baselineMs).toFixed(2)}× its forward; reverb forward+VJP = ${(fb.oursMs / fb.baselineMs).toFixed(2)}× its forward`);
  return rows;
}
