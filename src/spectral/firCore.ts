/** The frequency-sampling FIR design's inner step, shared by firDesign and the real-time voice (internal). */
import { irfftInto } from './fftCore.ts';

/** cos(2πm/n), m = 0…n−1: the direct (non-FFT) path for IR lengths that are not powers of two. */
export function cosTable(n: number): Float64Array {
  const c = new Float64Array(n);
  for (let m = 0; m < n; m++) c[m] = Math.cos((2 * Math.PI * m) / n);
  return c;
}

/** ir₀ = irfft(M) of length n from B = n/2 + 1 real magnitudes. */
export function zeroPhaseIr(m: Float64Array, off: number, bands: number, n: number, spec: Float64Array, cos: Float64Array | null, out: Float64Array): void {
  if (cos === null) {
    for (let b = 0; b < bands; b++) {
      spec[2 * b] = m[off + b];
      spec[2 * b + 1] = 0;
    }
    irfftInto(spec, n, out);
    return;
  }
  for (let t = 0; t < n; t++) {
    let s = m[off] + (t % 2 === 0 ? m[off + bands - 1] : -m[off + bands - 1]);
    for (let b = 1, idx = t; b < bands - 1; b++, idx += t) s += 2 * m[off + b] * cos[idx % n];
    out[t] = s / n;
  }
}

