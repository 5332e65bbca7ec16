/**
 * Real FFT kernels over fft.js, in float64, for power-of-two sizes. Spectra are interleaved
 * `[re0, im0, re1, im1, …]` with n/2 + 1 bins (length n + 2). These are the building blocks of
 * the spectral ops and of FFT convolution; plans are cached per size.
 */
import FFT from 'fft.js';
import { fail } from '../core/errors.ts';

interface Plan {
  fft: FFT;
  /** Half-size complex plan for the inverse real transform (null for n ≤ 2). */
  half: FFT | null;
  /** cos/sin of 2πk/n for k < n/2, for the inverse's untangling step. */
  cos: Float64Array;
  sin: Float64Array;
  scratchIn: Float64Array;
  scratchZ: Float64Array;
  scratchOut: Float64Array;
  /** fft.js uses the whole 2n-long complex array as workspace in realTransform. */
  scratchSpec: Float64Array;
}

const plans = new Map<number, Plan>();

/** True for 1, 2, 4, 8, … */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 2 ** 52 && 2 ** Math.round(Math.log2(n)) === n;
}

/** The smallest power of two ≥ n. */
export function nextPowerOfTwo(n: number): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || !(n <= 2 ** 52)) fail('nextPowerOfTwo', `n must be a number <= 2^52 (got ${typeof n === 'number' ? n : typeof n})`);
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p === undefined) {
    if (!isPowerOfTwo(n) || n < 2) fail('fft', `size must be a power of two >= 2 (got ${n})`);
    const m = n / 2;
    const cos = new Float64Array(m);
    const sin = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    p = {
      fft: new FFT(n),
      half: m >= 2 ? new FFT(m) : null,
      cos,
      sin,
      scratchIn: new Float64Array(n),
      scratchZ: new Float64Array(n),
      scratchOut: new Float64Array(n),
      scratchSpec: new Float64Array(2 * n),
    };
    plans.set(n, p);
  }
  return p;
}

/**
 * Forward real DFT of `x` zero-padded (or truncated) to n: out[2k] + i·out[2k+1] = Σ_t x[t]·e^{−2πikt/n},
 * k = 0 … n/2. `out` has length ≥ n + 2. Unnormalised, as numpy/TF rfft.
 */
export function rfftInto(x: Float64Array, n: number, out: Float64Array, offset = 0, length = x.length - offset): void {
  if (n === 1) {
    out[0] = length > 0 ? x[offset] : 0;
    out[1] = 0;
    return;
  }
  const p = plan(n);
  // fft.js reads data[0 … n) only: a whole, unpadded input needs no copy.
  let src: Float64Array;
  if (offset === 0 && length >= n) src = x;
  else {
    src = p.scratchIn;
    const m = Math.min(length, n);
    for (let i = 0; i < m; i++) src[i] = x[offset + i];
    src.fill(0, m);
  }
  // fft.js uses its whole 2n-long output as workspace: write straight into `out` when it is that long.
  if (out.length >= 2 * n) {
    p.fft.realTransform(out, src);
  } else {
    const spec = p.scratchSpec;
    p.fft.realTransform(spec, src);
    for (let i = 0; i < n + 2; i++) out[i] = spec[i];
  }
  out[1] = 0;
  out[n + 1] = 0;
}

/**
 * The spectrum of x (length ≥ n, read from 0) in a scratch buffer owned by the size's plan:
 * valid until the next transform of that size. Saves an allocation in hot wrappers.
 */
export function rfftScratch(x: Float64Array, n: number): Float64Array {
  const p = plan(n);
  rfftInto(x, n, p.scratchSpec);
  return p.scratchSpec;
}

/**
 * Inverse real DFT: out[t] = (1/n)·Σ_k X[k]·e^{2πikt/n} over the Hermitian extension of the
 * n/2 + 1 bins in `spec` (imaginary parts of the DC and Nyquist bins are ignored, as numpy/TF).
 * Uses one complex FFT of size n/2: with E[k] = (X[k] + X̄[M−k])/2 and
 * O[k] = (X[k] − X̄[M−k])·e^{2πik/n}/2, the inverse of Z = E + iO is x[2m] + i·x[2m+1].
 */
export function irfftInto(spec: Float64Array, n: number, out: Float64Array): void {
  if (n === 1) {
    out[0] = spec[0];
    return;
  }
  if (n === 2) {
    out[0] = (spec[0] + spec[2]) / 2;
    out[1] = (spec[0] - spec[2]) / 2;
    return;
  }
  const p = plan(n);
  const m = n / 2;
  const z = p.scratchZ;
  const { cos, sin } = p;
  for (let k = 0; k < m; k++) {
    const ar = spec[2 * k];
    const ai = k === 0 ? 0 : spec[2 * k + 1];
    const j = m - k;
    const br = spec[2 * j];
    const bi = j === m ? 0 : spec[2 * j + 1];
    // E = (A + conj(B))/2 ; D = (A − conj(B))/2 ; O = D·e^{+iθ}
    const er = (ar + br) / 2;
    const ei = (ai - bi) / 2;
    const dr = (ar - br) / 2;
    const di = (ai + bi) / 2;
    const c = cos[k];
    const s = sin[k];
    const or = dr * c - di * s;
    const oi = dr * s + di * c;
    // Z = E + i·O
    z[2 * k] = er - oi;
    z[2 * k + 1] = ei + or;
  }
  const res = p.scratchOut;
  (p.half as FFT).inverseTransform(res, z);
  for (let k = 0; k < m; k++) {
    out[2 * k] = res[2 * k];
    out[2 * k + 1] = res[2 * k + 1];
  }
}
