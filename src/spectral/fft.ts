/**
 * Real FFT and its inverse as differentiable ops. Spectra are `{ re, im }` with n/2 + 1 bins.
 *   rfft:  X_k = Σ_t x_t·e^{−2πikt/n}
 *   irfft: x_t = (1/n)·Σ_k X_k·e^{2πikt/n} over the Hermitian extension (imaginary parts of
 *          the DC and Nyquist bins are ignored, as numpy/TF).
 * VJPs, with the half-spectrum weights w_k = 1 at DC and Nyquist and 2 in between:
 *   rfft:  x̄ = n·irfft(Ḡ ⊘ w)           (Ḡ = ḡre + i·ḡim)
 *   irfft: ḡre_k + i·ḡim_k = (w_k/n)·rfft(x̄)_k   (ḡim = 0 at DC and Nyquist)
 * n must be a power of two.
 */
import { fail } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';
import { irfftInto, isPowerOfTwo, rfftInto, rfftScratch } from './fftCore.ts';

export interface Complex {
  re: Float64Array;
  im: Float64Array;
}

function checkSize(fn: string, n: number): void {
  if (typeof n !== 'number' || !isPowerOfTwo(n) || n < 2) fail(fn, `the transform size must be a power of two >= 2 (got ${typeof n === 'number' ? n : typeof n})`);
  if (n > 2 ** 26) fail(fn, `the transform size n = ${n} is larger than the 2^26 supported`);
}

/**
 * Real DFT of x, zero-padded to n (default: x.length).
 * @example rfft(Float64Array.of(1, 0, 0, 0)) // { re: [1, 1, 1], im: [0, 0, 0] }
 */
export function rfft(x: Float64Array, n = x?.length): Complex {
  const xs = readLayout('rfft', 'x', x).data;
  checkSize('rfft', n);
  if (xs.length > n) fail('rfft', `x has ${xs.length} samples, more than the size n = ${n}`);
  let spec: Float64Array;
  if (xs.length === n) spec = rfftScratch(xs, n);
  else {
    spec = new Float64Array(2 * n);
    rfftInto(xs, n, spec);
  }
  const m = n / 2 + 1;
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    re[k] = spec[2 * k];
    im[k] = spec[2 * k + 1];
  }
  return { re, im };
}

/** VJP of {@link rfft}: returns x̄ with x's length. */
export function rfftVjp(g: Complex, x: Float64Array, n = x?.length): Float64Array {
  const xs = readLayout('rfftVjp', 'x', x).data;
  checkSize('rfftVjp', n);
  const m = n / 2 + 1;
  const gr = readLayout('rfftVjp', 'g.re', g?.re).data;
  const gi = readLayout('rfftVjp', 'g.im', g?.im).data;
  if (gr.length !== m || gi.length !== m) fail('rfftVjp', `g.re and g.im must have n/2 + 1 = ${m} bins (got ${gr.length} and ${gi.length})`);
  const spec = new Float64Array(n + 2);
  for (let k = 0; k < m; k++) {
    const s = k === 0 || k === m - 1 ? n : n / 2;
    spec[2 * k] = gr[k] * s;
    spec[2 * k + 1] = gi[k] * s;
  }
  // irfft drops the imaginary parts at DC and Nyquist, which is right: sin(0) = sin(πt) = 0.
  const full = new Float64Array(n);
  irfftInto(spec, n, full);
  return full.slice(0, xs.length);
}

/**
 * Inverse real DFT of n/2 + 1 bins to n samples (n = 2·(bins − 1)).
 * @example irfft({ re: Float64Array.of(4, 0, 0), im: new Float64Array(3) }) // [1, 1, 1, 1]
 */
export function irfft(X: Complex): Float64Array {
  const re = readLayout('irfft', 'X.re', X?.re).data;
  const im = readLayout('irfft', 'X.im', X?.im).data;
  if (re.length !== im.length) fail('irfft', `X.re and X.im must have the same length (got ${re.length} and ${im.length})`);
  const n = 2 * (re.length - 1);
  checkSize('irfft', n);
  const spec = new Float64Array(n + 2);
  for (let k = 0; k < re.length; k++) {
    spec[2 * k] = re[k];
    spec[2 * k + 1] = im[k];
  }
  const out = new Float64Array(n);
  irfftInto(spec, n, out);
  return out;
}

/** VJP of {@link irfft}. */
export function irfftVjp(g: Float64Array, X: Complex): Complex {
  const re = readLayout('irfftVjp', 'X.re', X?.re).data;
  const n = 2 * (re.length - 1);
  checkSize('irfftVjp', n);
  const gs = readLayout('irfftVjp', 'g', g).data;
  if (gs.length !== n) fail('irfftVjp', `g must have n = ${n} samples (got ${gs.length})`);
  const spec = new Float64Array(n + 2);
  rfftInto(gs, n, spec);
  const m = n / 2 + 1;
  const gr = new Float64Array(m);
  const gi = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const w = (k === 0 || k === m - 1 ? 1 : 2) / n;
    gr[k] = w * spec[2 * k];
    gi[k] = w * spec[2 * k + 1];
  }
  return { re: gr, im: gi };
}
