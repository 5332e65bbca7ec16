/** Benchmarks of the core hot loops against straightforward baselines, in one process. */
import { cumsum, cumsumVjp, expSigmoid, resample, upsampleWithWindows, frames } from '../src/core/index.ts';
import { compare, noise, printTable, type Row } from './harness.ts';


// --- baselines: the obvious code a user would write -------------------------------------

function naiveCumsum(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) out[i] = s += x[i];
  return out;
}

function naiveExpSigmoid(x: Float64Array): Float64Array {
  return x.map((v) => 2 * Math.pow(1 / (1 + Math.exp(-v)), Math.log(10)) + 1e-7);
}

/** DDSP's recipe as written: window every frame with a Hann window, overlap-add, trim. */
function olaUpsample(x: Float64Array, nFrames: number, channels: number, nOut: number): Float64Array {
  const f = nFrames + 1;
  const hop = nOut / nFrames;
  const out = new Float64Array((f - 1) * hop + 2 * hop);
  const res = new Float64Array(nOut * channels);
  for (let ch = 0; ch < channels; ch++) {
    out.fill(0);
    for (let k = 0; k < f; k++) {
      const v = x[Math.min(k, nFrames - 1) * channels + ch];
      for (let m = 0; m < 2 * hop; m++) out[k * hop + m] += v * (0.5 - 0.5 * Math.cos((Math.PI * m) / hop));
    }
    for (let n = 0; n < nOut; n++) res[n * channels + ch] = out[n + hop];
  }
  return res;
}

/** Per-sample linear interpolation, positions computed inline. */
function naiveResample(x: Float64Array, nOut: number): Float64Array {
  const out = new Float64Array(nOut);
  const scale = x.length / nOut;
  for (let i = 0; i < nOut; i++) {
    const p = i * scale;
    const k = Math.floor(p);
    const h = Math.min(k + 1, x.length - 1);
    out[i] = x[k] * (1 - (p - k)) + x[h] * (p - k);
  }
  return out;
}

export function benchCore(): Row[] {
  const T = 64000;
  const F = 1000;
  const K = 100;
  const x = noise(T);
  const g = noise(T, 2);
  const ctl = noise(F, 3);
  const ctlK = noise(F * K, 4);
  const ctlKFrames = frames(ctlK, F, K);
  const rows = [
    compare({ name: `cumsum, ${T} samples`, ours: () => cumsum(x), baseline: () => naiveCumsum(x), baselineName: 'plain loop' }),
    compare({ name: `cumsumVjp, ${T} samples`, ours: () => cumsumVjp(g, x), baseline: () => naiveCumsum(g.slice().reverse()), baselineName: 'reverse + plain loop' }),
    compare({ name: `expSigmoid, ${T} values`, ours: () => expSigmoid(x), baseline: () => naiveExpSigmoid(x), baselineName: 'map with Math.pow' }),
    compare({ name: `resample linear, ${F} → ${T}`, ours: () => resample(ctl, T), baseline: () => naiveResample(ctl, T), baselineName: 'per-sample lerp' }),
    compare({ name: `upsampleWithWindows, ${F} → ${T}`, ours: () => upsampleWithWindows(ctl, T), baseline: () => olaUpsample(ctl, F, 1, T), baselineName: 'Hann OLA (DDSP recipe)' }),
    compare({ name: `upsampleWithWindows, [${F}, ${K}] → [${T}, ${K}]`, ours: () => upsampleWithWindows(ctlKFrames, T).data, baseline: () => olaUpsample(ctlK, F, K, T), baselineName: 'Hann OLA (DDSP recipe)' }),
  ];
  printTable('core', rows);
  return rows;
}
