/**
 * Sample-rate conversion with an anti-aliasing filter: band-limited interpolation by a
 * Kaiser-windowed sinc, polyphase for the rational ratio toRate/fromRate = up/down (after
 * dividing by their gcd). Output sample m sits at input time t = m·down/up and is
 *   y[m] = Σ_k x[k]·h_p(t − k),   h(τ) = 2f_c·sinc(2f_c·τ)·kaiser(τ/(Z/2f_c), β)
 * with cutoff f_c = rolloff·min(1, up/down)/2 cycles per input sample (below both Nyquists), Z
 * zero crossings each side, each phase's taps normalised to sum 1 (DC passes exactly). Samples
 * outside the signal are zero. Linear in x; its VJP is the transposed filter.
 * Defaults (Z 32, β 9, rolloff 0.94) reject what lies above the new Nyquist by more than 80 dB.
 */
import { checkInteger, checkPositive, checkSignal, fail, readOptions } from '../core/errors.ts';

export interface ResampleAudioOptions {
  /** Zero crossings of the sinc each side. Default 32. */
  zeros?: number;
  /** Kaiser window β. Default 9. */
  beta?: number;
  /** Cutoff as a fraction of the lower Nyquist. Default 0.94. */
  rolloff?: number;
}
const KEYS = ['zeros', 'beta', 'rolloff'] as const;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

interface Plan {
  up: number;
  down: number;
  nOut: number;
  /** Taps per phase (2H) and the first input index offset of phase p's window relative to ⌊t⌋. */
  width: number;
  H: number;
  /** up × width taps. */
  taps: Float64Array;
}

const plans = new Map<string, Plan>();

function plan(fn: string, n: number, fromRate: number, toRate: number, opts: ResampleAudioOptions): Plan {
  checkInteger(fn, 'fromRate', fromRate, 1);
  checkInteger(fn, 'toRate', toRate, 1);
  if (fromRate > 1e7 || toRate > 1e7) fail(fn, `fromRate and toRate must be at most 10 MHz (got ${fromRate} and ${toRate})`);
  const o = readOptions(fn, opts, KEYS);
  const { zeros = 32, beta = 9, rolloff = 0.94 } = o;
  checkInteger(fn, 'opts.zeros', zeros, 1);
  if (zeros > 1024) fail(fn, `opts.zeros must be at most 1024 (got ${zeros})`);
  checkPositive(fn, 'opts.beta', beta);
  if (beta > 50) fail(fn, `opts.beta must be at most 50 (got ${beta})`);
  if (typeof rolloff !== 'number' || !(rolloff > 0 && rolloff <= 1)) fail(fn, `opts.rolloff must be in (0, 1] (got ${rolloff})`);
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const nOut = Math.ceil((n * up) / down);
  if (nOut > 2 ** 30 || nOut * down > 2 ** 52) fail(fn, `x of ${n} samples at ${fromRate} → ${toRate} Hz gives too many output samples (${nOut})`);
  const fc = (rolloff * Math.min(1, up / down)) / 2;
  const half = zeros / (2 * fc); // half-width in input samples
  const H = Math.ceil(half);
  const width = 2 * H;
  if (up * width > 2 ** 24) fail(fn, `the ratio ${toRate}/${fromRate} reduces to ${up}/${down}: ${up} filter phases of ${width} taps are too many; resample in two steps through a rate with a smaller ratio`);
  const key = `${up}/${down}/${zeros}/${beta}/${rolloff}`;
  let p = plans.get(key);
  if (p !== undefined) return { ...p, nOut };
  const taps = new Float64Array(up * width);
  const i0b = besselI0(beta);
  for (let ph = 0; ph < up; ph++) {
    const frac = ((ph * down) % up) / up; // t − ⌊t⌋ for outputs m ≡ ph (mod up)
    let s = 0;
    for (let j = 0; j < width; j++) {
      const tau = frac - (j - H + 1); // t − k with k = ⌊t⌋ + j − H + 1
      const u = tau / half;
      let v = 0;
      if (Math.abs(u) < 1) {
        const a = 2 * fc * tau;
        const sinc = a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a);
        v = 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - u * u)) / i0b);
      }
      taps[ph * width + j] = v;
      s += v;
    }
    for (let j = 0; j < width; j++) taps[ph * width + j] /= s;
  }
  p = { up, down, nOut, width, H, taps };
  if (plans.size > 32) plans.clear();
  plans.set(key, p);
  return p;
}

/**
 * Resample audio from fromRate to toRate (integers, Hz): ⌈n·toRate/fromRate⌉ samples out.
 * @example const x16k = spectral.resampleAudio(x44k, 44100, 16000)
 */
export function resampleAudio(x: Float64Array, fromRate: number, toRate: number, opts: ResampleAudioOptions = {}): Float64Array {
  const fn = 'resampleAudio';
  checkSignal(fn, 'x', x);
  const P = plan(fn, x.length, fromRate, toRate, opts);
  if (P.up === 1 && P.down === 1) return x.slice();
  const { up, down, nOut, width, H, taps } = P;
  const n = x.length;
  const y = new Float64Array(nOut);
  for (let m = 0; m < nOut; m++) {
    const k0 = Math.floor((m * down) / up) - H + 1;
    const base = (m % up) * width;
    let acc = 0;
    const j0 = Math.max(0, -k0);
    const j1 = Math.min(width, n - k0);
    for (let j = j0; j < j1; j++) acc += taps[base + j] * x[k0 + j];
    y[m] = acc;
  }
  return y;
}

/** VJP of {@link resampleAudio}: x̄[k] = Σ_m h_m(k)·ȳ[m]. */
export function resampleAudioVjp(gy: Float64Array, x: Float64Array, fromRate: number, toRate: number, opts: ResampleAudioOptions = {}): Float64Array {
  const fn = 'resampleAudioVjp';
  checkSignal(fn, 'x', x);
  checkSignal(fn, 'gy', gy);
  const P = plan(fn, x.length, fromRate, toRate, opts);
  if (gy.length !== P.nOut) fail(fn, `gy must have ${P.nOut} samples, as resampleAudio's output (got ${gy.length})`);
  if (P.up === 1 && P.down === 1) return gy.slice();
  const { up, down, nOut, width, H, taps } = P;
  const n = x.length;
  const gx = new Float64Array(n);
  for (let m = 0; m < nOut; m++) {
    const k0 = Math.floor((m * down) / up) - H + 1;
    const base = (m % up) * width;
    const g = gy[m];
    const j0 = Math.max(0, -k0);
    const j1 = Math.min(width, n - k0);
    for (let j = j0; j < j1; j++) gx[k0 + j] += taps[base + j] * g;
  }
  return gx;
}
