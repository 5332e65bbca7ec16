/**
 * FFT convolution with DDSP's `fft_convolve` semantics, and its VJP.
 *
 * One IR [L] filters the whole signal; IR frames [F, L] filter it block-wise: the audio is cut
 * into F non-overlapping, unwindowed blocks of hop = ⌈N/F⌉ samples (zero-padded at the end),
 * each block is fully convolved with its own IR, and the results overlap-add with that hop:
 *   y_full[m] = Σ_i x[i]·ir_{⌊i/hop⌋}[m − i].
 * The output is y[n] = y_full[n + start] for n < N ('same') or n < N + L − 1 ('valid'), with
 * start = delayCompensation (DDSP's default −1 means (L − 1)//2 − 1, floored at 0).
 * VJP: per block, x̄_b = (ȳ_full ⋆ ir_b) and īr_b = (ȳ_full ⋆ x_b), two correlations done with
 * the same FFTs. Cost O(F·S log S), S = nextPow2(hop + L − 1).
 */
import { checkInteger, checkOneOf, checkSize, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout, wrapLike, type Layout, type Signal } from '../core/frames.ts';
import { scratch } from '../core/scratch.ts';
import { irfftInto, nextPowerOfTwo, rfftInto } from './fftCore.ts';

export interface FftConvolveOptions {
  /** 'same' (default): N samples out. 'valid': N + L − 1 samples, the full tail. */
  padding?: 'same' | 'valid';
  /** Samples dropped from the start to undo the IR's delay; −1 (default) is DDSP's automatic (L − 1)//2 − 1. */
  delayCompensation?: number;
}

interface Setup {
  x: Float64Array;
  N: number;
  ir: Float64Array;
  I: Layout;
  F: number;
  L: number;
  hop: number;
  size: number;
  start: number;
  outLength: number;
}

/**
 * The block size DDSP uses for F IR frames over N samples, hop = ⌈N/F⌉, after checking that
 * the audio really splits into F blocks (it does not when F is close to N, e.g. 999 for 1000).
 */
export function checkBlocks(fn: string, N: number, F: number): number {
  checkSize(fn, 'N (the number of samples)', N, 1);
  checkSize(fn, 'F (the number of filter frames)', F, 1);
  const hop = Math.ceil(N / F);
  const nBlocks = Math.ceil(N / hop);
  if (nBlocks !== F) {
    fail(fn, `audio of ${N} samples splits into ${nBlocks} blocks of ${hop}, but there are ${F} filter frames; use a frame count that divides the audio into that many blocks`);
  }
  return hop;
}

const CONVOLVE_KEYS = optionKeys<FftConvolveOptions>()('padding', 'delayCompensation');

function setup(fn: string, audio: unknown, ir: unknown, opts: FftConvolveOptions): Setup {
  const A = readLayout(fn, 'audio', audio);
  if (A.c !== 1) fail(fn, `audio must be 1-D (got ${A.c} channels)`);
  const I = readLayout(fn, 'ir', ir);
  const N = A.n;
  if (N < 1) fail(fn, 'audio must have at least one sample');
  // A plain Float64Array is one IR; frames are [F, L].
  const F = I.shaped ? I.n : 1;
  const L = I.shaped ? I.c : I.n;
  if (F < 1 || L < 1) fail(fn, `ir must have at least one frame and one tap (got [${F}, ${L}])`);
  if (L > 2 ** 26) fail(fn, `ir has ${L} taps, more than the 2^26 this convolution supports`);
  const hop = checkBlocks(fn, N, F);
  const { padding = 'same', delayCompensation = -1 } = readOptions(fn, opts, CONVOLVE_KEYS);
  checkOneOf(fn, 'opts.padding', padding, ['same', 'valid'] as const);
  checkInteger(fn, 'opts.delayCompensation', delayCompensation, -1);
  if (delayCompensation > 2 ** 30) fail(fn, `opts.delayCompensation ${delayCompensation} is beyond any signal this library handles`);
  const start = delayCompensation < 0 ? Math.max(0, ((L - 1) >> 1) - 1) : delayCompensation;
  return {
    x: A.data, N, ir: I.data, I, F, L, hop,
    size: nextPowerOfTwo(hop + L - 1),
    start,
    outLength: padding === 'same' ? N : N + L - 1,
  };
}

/** y_full (length F·hop + L − 1) of the block-wise convolution. */
function convolveFull(s: Setup): Float64Array {
  const { x, N, ir, F, L, hop, size } = s;
  const full = scratch('convolve.full', F * hop + L - 1);
  const X = new Float64Array(size + 2);
  const H = new Float64Array(size + 2);
  const y = new Float64Array(size);
  const span = hop + L - 1;
  for (let b = 0; b < F; b++) {
    const off = b * hop;
    rfftInto(x, size, X, off, Math.min(hop, N - off));
    rfftInto(ir, size, H, b * L, L);
    for (let k = 0; k <= size; k += 2) {
      const xr = X[k];
      const xi = X[k + 1];
      const hr = H[k];
      const hi = H[k + 1];
      X[k] = xr * hr - xi * hi;
      X[k + 1] = xr * hi + xi * hr;
    }
    irfftInto(X, size, y);
    for (let i = 0; i < span; i++) full[off + i] += y[i];
  }
  return full;
}

/**
 * Convolve audio with one IR [L] or with IR frames [F, L] (time-varying, block-wise), DDSP semantics.
 * @example fftConvolve(audio, Float64Array.of(0, 1), { delayCompensation: 0 }) // audio delayed by one sample
 */
export function fftConvolve(audio: Float64Array, ir: Signal, opts: FftConvolveOptions = {}): Float64Array {
  const s = setup('fftConvolve', audio, ir, opts);
  const full = convolveFull(s);
  const out = new Float64Array(s.outLength);
  const m = Math.min(s.outLength, full.length - s.start);
  for (let n = 0; n < m; n++) out[n] = full[n + s.start];
  return out;
}

export interface FftConvolveGrads<I extends Signal = Signal> {
  audio: Float64Array;
  ir: I;
}

/** Options of {@link fftConvolveVjp}: the forward's, and which gradients to compute. */
export interface FftConvolveVjpOptions extends FftConvolveOptions {
  /** 'both' (default), 'audio' or 'ir': a gradient not asked for is not computed (two of five FFTs per block saved). */
  wrt?: 'both' | 'audio' | 'ir';
}

const CONVOLVE_VJP_KEYS = [...CONVOLVE_KEYS, 'wrt'];

/** VJP of {@link fftConvolve} with respect to the audio and the IR(s), or only the one named by `opts.wrt`. */
export function fftConvolveVjp<I extends Signal>(gy: Float64Array, audio: Float64Array, ir: I, opts?: FftConvolveVjpOptions & { wrt?: 'both' }): FftConvolveGrads<I>;
export function fftConvolveVjp<I extends Signal>(gy: Float64Array, audio: Float64Array, ir: I, opts: FftConvolveVjpOptions & { wrt: 'audio' }): Pick<FftConvolveGrads<I>, 'audio'>;
export function fftConvolveVjp<I extends Signal>(gy: Float64Array, audio: Float64Array, ir: I, opts: FftConvolveVjpOptions & { wrt: 'ir' }): Pick<FftConvolveGrads<I>, 'ir'>;
export function fftConvolveVjp<I extends Signal>(gy: Float64Array, audio: Float64Array, ir: I, opts?: FftConvolveVjpOptions): Partial<FftConvolveGrads<I>>;
export function fftConvolveVjp<I extends Signal>(gy: Float64Array, audio: Float64Array, ir: I, opts: FftConvolveVjpOptions = {}): Partial<FftConvolveGrads<I>> {
  const fn = 'fftConvolveVjp';
  const { wrt = 'both', ...rest } = readOptions(fn, opts, CONVOLVE_VJP_KEYS);
  checkOneOf(fn, 'opts.wrt', wrt, ['both', 'audio', 'ir'] as const);
  const s = setup(fn, audio, ir, rest);
  const g = readLayout(fn, 'gy', gy).data;
  if (g.length !== s.outLength) fail(fn, `gy must have ${s.outLength} samples (got ${g.length})`);
  const wantAudio = wrt !== 'ir';
  const wantIr = wrt !== 'audio';
  const { x, N, F, L, hop, size, start } = s;
  const irData = s.ir;
  const gFull = scratch('convolveVjp.gFull', F * hop + size);
  const m = Math.min(s.outLength, F * hop + L - 1 - start);
  for (let n = 0; n < m; n++) gFull[n + start] = g[n];
  const gx = wantAudio ? new Float64Array(N) : null;
  const gir = wantIr ? new Float64Array(F * L) : null;
  const G = new Float64Array(size + 2);
  const X = new Float64Array(size + 2);
  const H = new Float64Array(size + 2);
  const tmp = new Float64Array(size + 2);
  const y = new Float64Array(size);
  for (let b = 0; b < F; b++) {
    const off = b * hop;
    const len = Math.min(hop, N - off);
    rfftInto(gFull, size, G, off, size);
    if (gx) {
      // x̄_b = irfft(G·conj(H))[0, hop)
      rfftInto(irData, size, H, b * L, L);
      for (let k = 0; k <= size; k += 2) {
        tmp[k] = G[k] * H[k] + G[k + 1] * H[k + 1];
        tmp[k + 1] = G[k + 1] * H[k] - G[k] * H[k + 1];
      }
      irfftInto(tmp, size, y);
      for (let i = 0; i < len; i++) gx[off + i] = y[i];
    }
    if (gir) {
      // īr_b = irfft(G·conj(X))[0, L)
      rfftInto(x, size, X, off, len);
      for (let k = 0; k <= size; k += 2) {
        tmp[k] = G[k] * X[k] + G[k + 1] * X[k + 1];
        tmp[k + 1] = G[k + 1] * X[k] - G[k] * X[k + 1];
      }
      irfftInto(tmp, size, y);
      for (let l = 0; l < L; l++) gir[b * L + l] = y[l];
    }
  }
  const out: Partial<FftConvolveGrads<I>> = {};
  if (gx) out.audio = gx;
  if (gir) out.ir = (s.I.shaped ? wrapLike(s.I, gir, F) : gir) as I;
  return out;
}

export interface ConvolveStreamOutput {
  /** This block's output: causal (no delay compensation), as long as the input block. */
  audio: Float64Array;
  /** The L − 1 samples of convolution tail that spill into the next block. */
  tail: Float64Array;
}

/**
 * Streaming form of {@link fftConvolve}: causal ('valid' with delayCompensation 0) and cut to
 * the block, with the spill-over carried in `tail`. Feeding consecutive blocks (each a whole
 * number of IR frames of the same hop) reproduces the one-shot causal output exactly.
 * @example
 *   let tail; for (const block of blocks) ({ audio, tail } = fftConvolveStream(block, ir, tail));
 */
export function fftConvolveStream(audio: Float64Array, ir: Signal, tail?: Float64Array): ConvolveStreamOutput {
  const s = setup('fftConvolveStream', audio, ir, { padding: 'valid', delayCompensation: 0 });
  const full = convolveFull(s);
  const { N, L } = s;
  if (tail !== undefined) {
    const t = readLayout('fftConvolveStream', 'tail', tail).data;
    if (t.length !== L - 1) fail('fftConvolveStream', `tail must have L − 1 = ${L - 1} samples (got ${t.length})`);
    for (let i = 0; i < L - 1; i++) full[i] += t[i];
  }
  return { audio: full.slice(0, N), tail: full.slice(N, N + L - 1) };
}
