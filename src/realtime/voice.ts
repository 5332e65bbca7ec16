/**
 * A real-time harmonic-plus-noise voice: DDSP's harmonic synthesizer and filtered noise rendered
 * sample by sample from queued control frames, with nothing allocated while rendering — the
 * engine of the AudioWorklet instrument (worklet.ts), usable anywhere.
 *
 * Frames arrive every `hop` samples: amplitude A, harmonic distribution D[K] (already normalised,
 * as harmonicSynth takes it), f0 in Hz, and B linear noise magnitudes. Samples between frames j and
 * j+1 interpolate them exactly as the one-shot synths do, so a stream equals
 *   harmonicSynth(A, D, f0, { nSamples: (F−1)·hop, addEndpoint: false, ampResample })
 *   + filteredNoise(N[0 … F−2], { nSamples: (F−1)·hop, windowSize, delayCompensation: 0, seed })
 * to rounding (test/realtime). Rendering interval j needs frame j+1, so output lags the controls
 * by one hop. The noise filter is applied directly (each input sample through its own frame's
 * L-tap FIR, L = 2(B − 1)), so any hop works with any block size (128-sample render quanta).
 * With `reverbIr`, DDSP's reverb follows (realtime/reverb.ts: partitioned, no latency), and the
 * stream equals effects.reverb of the one-shot sum.
 */
import { checkInteger, checkOneOf, checkPositive, checkSize, fail, readOptions } from '../core/errors.ts';
import { cosTable, zeroPhaseIr } from '../spectral/firCore.ts';
import { firLayout } from '../spectral/firDesign.ts';
import { isPowerOfTwo } from '../spectral/fftCore.ts';
import { crossfade, harmonicsBelow, wrapPhase, type AmpResample } from '../synths/intervals.ts';
import { reverbStream } from './reverb.ts';

export interface VoiceOptions {
  sampleRate: number;
  /** Samples per control frame. */
  hop: number;
  /** K, the harmonic distribution's length. */
  nHarmonics: number;
  /** B ≥ 2 noise magnitudes per frame (0: no noise). */
  nBands: number;
  /** Noise FIR window as filteredNoise's (≤ 0: the whole IR). Default 0. */
  windowSize?: number;
  /** 'window' (DDSP's overlapping Hann, default) or 'linear' amplitude interpolation. */
  ampResample?: AmpResample;
  /** Noise seed (as filteredNoise's). Default 0. */
  seed?: number;
  /** Frames the queue holds. Default 256. */
  capacity?: number;
  /**
   * A reverb IR (DDSP's reverb: y = x + x ⊛ ir with ir[0] ignored), applied to the voice's output
   * with no latency (a partitioned convolution). Default: none.
   */
  reverbIr?: Float64Array;
}

export interface Voice {
  readonly sampleRate: number;
  readonly hop: number;
  /** Frames the queue holds. */
  readonly capacity: number;
  /** Frames waiting (rendering needs two: the interval's start and end). */
  readonly queued: number;
  /**
   * Queue n frames from flat arrays: amplitude [n], distribution [n·K], f0Hz [n], noise [n·B].
   * Returns how many were taken (fewer when the queue is full). Validates; allocates nothing.
   */
  push(amplitude: ArrayLike<number>, distribution: ArrayLike<number>, f0Hz: ArrayLike<number>, noise?: ArrayLike<number>): number;
  /**
   * Render up to `length` samples into out[offset …]; returns how many were rendered (fewer when
   * the frames run out). Allocates nothing.
   */
  render(out: Float32Array | Float64Array, offset?: number, length?: number): number;
}

const VOICE_KEYS = ['sampleRate', 'hop', 'nHarmonics', 'nBands', 'windowSize', 'ampResample', 'seed', 'capacity', 'reverbIr'];

/**
 * @example
 *   const v = realtime.harmonicNoiseVoice({ sampleRate: 48000, hop: 192, nHarmonics: 60, nBands: 65 });
 *   v.push(amps, dists, f0s, noise);          // whole frames, flat
 *   v.render(block);                          // 128 samples, e.g. in AudioWorkletProcessor.process
 */
export function harmonicNoiseVoice(opts: VoiceOptions): Voice {
  const fn = 'harmonicNoiseVoice';
  if (opts === undefined) fail(fn, 'opts { sampleRate, hop, nHarmonics, nBands } is required');
  const { sampleRate, hop, nHarmonics: K, nBands: B, windowSize = 0, ampResample = 'window', seed = 0, capacity = 256, reverbIr } = readOptions(fn, opts, VOICE_KEYS);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkSize(fn, 'opts.hop', hop, 1);
  checkSize(fn, 'opts.nHarmonics', K, 1);
  checkSize(fn, 'opts.nBands', B, 0);
  if (B === 1) fail(fn, 'opts.nBands must be 0 (no noise) or at least 2');
  if (hop > 2 ** 16 || K > 4096 || B > 4097) fail(fn, `opts.hop (≤ 65536), opts.nHarmonics (≤ 4096) or opts.nBands (≤ 4097) too large (got ${hop}, ${K}, ${B})`);
  checkInteger(fn, 'opts.windowSize', windowSize, -Infinity);
  checkOneOf(fn, 'opts.ampResample', ampResample, ['window', 'linear'] as const);
  checkInteger(fn, 'opts.seed', seed, -(2 ** 53));
  checkSize(fn, 'opts.capacity', capacity, 2);
  if (capacity > 65536) fail(fn, `opts.capacity must be at most 65536 (got ${capacity})`);
  if (reverbIr !== undefined) {
    if (!(reverbIr instanceof Float64Array) || reverbIr.length < 1 || reverbIr.length > 2 ** 22) fail(fn, 'opts.reverbIr must be a Float64Array of 1 to 2^22 taps');
    for (let i = 0; i < reverbIr.length; i++) if (!Number.isFinite(reverbIr[i])) fail(fn, `opts.reverbIr[${i}] is ${reverbIr[i]}; expected finite taps`);
  }
  const rev = reverbIr ? reverbStream(reverbIr) : null;

  const alpha = crossfade(hop, ampResample);
  const nyq = sampleRate / 2;
  const w = (2 * Math.PI) / sampleRate;
  // The frame queue (a ring): H = A·D per frame, f0, and the frame's causal noise IR.
  const layout = B ? firLayout(B, windowSize, fn) : null;
  const L = layout ? layout.length : 0;
  const H = new Float64Array(capacity * K);
  const F0 = new Float64Array(capacity);
  // IRs live in their own ring, longer than the queue by the frames the filter still reaches back to.
  const irSlots = capacity + Math.ceil(L / hop) + 1;
  const IR = new Float64Array(irSlots * L);
  const mags = new Float64Array(Math.max(B, 2));
  const spec = new Float64Array(2 * (layout ? layout.n : 2) + 2);
  const ir0 = new Float64Array(layout ? layout.n : 1);
  const cos = layout && !isPowerOfTwo(layout.n) ? cosTable(layout.n) : null;
  let head = 0; // queue index of the current frame j
  let count = 0; // frames queued
  let frameNo = 0; // absolute number of frame j (its IR slot is frameNo % irSlots)
  // Harmonic state.
  let phi = 0;
  let t = 0; // position in the current interval
  const base = new Float64Array(K);
  const delta = new Float64Array(K);
  // Noise state: the generator, and the last inputs in a mirrored ring (each written at q and
  // q + M), so the L most recent always lie contiguous, newest last, ending at q + M.
  let rng = seed >>> 0;
  const M = Math.max(L, 1);
  const uRing = new Float64Array(2 * M);
  let q = 0;

  const num = (a: ArrayLike<number>, i: number, what: string): number => {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('harmonicNoiseVoice.push', `${what}[${i}] is ${v}; expected a finite number`);
    return v;
  };

  function push(amplitude: ArrayLike<number>, distribution: ArrayLike<number>, f0Hz: ArrayLike<number>, noise?: ArrayLike<number>): number {
    const pf = 'harmonicNoiseVoice.push';
    const isArr = (a: unknown) => a !== null && typeof a === 'object' && typeof (a as ArrayLike<number>).length === 'number';
    if (!isArr(amplitude) || !isArr(distribution) || !isArr(f0Hz)) fail(pf, 'amplitude, distribution and f0Hz must be arrays (flat: [n], [n·K], [n])');
    const n = amplitude.length;
    if (distribution.length !== n * K || f0Hz.length !== n) fail(pf, `for ${n} frames, distribution must have n·K = ${n * K} values and f0Hz ${n} (got ${distribution.length} and ${f0Hz.length})`);
    if (B) {
      if (!isArr(noise) || (noise as ArrayLike<number>).length !== n * B) fail(pf, `noise must have n·B = ${n * B} magnitudes (got ${isArr(noise) ? (noise as ArrayLike<number>).length : typeof noise})`);
    } else if (noise !== undefined && (!isArr(noise) || noise.length !== 0)) fail(pf, 'this voice has no noise (nBands 0): leave noise out');
    let taken = 0;
    for (let f = 0; f < n && count < capacity; f++, taken++) {
      const a = num(amplitude, f, 'amplitude');
      const f0 = num(f0Hz, f, 'f0Hz');
      if (f0 < 0) fail(pf, `f0Hz[${f}] is ${f0}; expected frequencies >= 0`);
      const q = (head + count) % capacity;
      for (let k = 0; k < K; k++) H[q * K + k] = a * num(distribution, f * K + k, 'distribution');
      F0[q] = f0;
      if (layout) {
        for (let b = 0; b < B; b++) mags[b] = num(noise as ArrayLike<number>, f * B + b, 'noise');
        zeroPhaseIr(mags, 0, B, layout.n, spec, cos, ir0);
        const slot = ((frameNo + count) % irSlots) * L;
        for (let i = 0; i < L; i++) IR[slot + i] = ir0[layout.source[i]] * layout.weight[i];
      }
      count++;
    }
    return taken;
  }

  function render(out: Float32Array | Float64Array, offset = 0, length = out.length - offset): number {
    const rf = 'harmonicNoiseVoice.render';
    if (!(out instanceof Float32Array || out instanceof Float64Array)) fail(rf, 'out must be a Float32Array or Float64Array');
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > out.length) {
      fail(rf, `offset ${offset} and length ${length} must lie within out (${out.length} samples)`);
    }
    let done = 0;
    while (done < length && count >= 2) {
      const j0 = head;
      const j1 = (head + 1) % capacity;
      for (let k = 0; k < K; k++) {
        base[k] = H[j0 * K + k];
        delta[k] = H[j1 * K + k] - base[k];
      }
      const fa = F0[j0];
      const fd = F0[j1] - fa;
      for (; t < hop && done < length; t++, done++) {
        // Harmonics: harmonicSynth's loop, inline (behind a function call it measured 1.5× slower).
        const f = fa + (t / hop) * fd;
        phi = wrapPhase(phi + w * f);
        const m = harmonicsBelow(f, nyq, K);
        const s1 = Math.sin(phi);
        const c1 = Math.cos(phi);
        let sa = s1;
        let ca = c1;
        let sb = sa * c1 + ca * s1;
        let cb = ca * c1 - sa * s1;
        const s2 = sb;
        const c2 = cb;
        const at = alpha[t];
        let y0 = 0;
        let y1 = 0;
        let k = 0;
        for (; k + 1 < m; k += 2) {
          y0 += (base[k] + at * delta[k]) * sa;
          y1 += (base[k + 1] + at * delta[k + 1]) * sb;
          const na = sa * c2 + ca * s2;
          ca = ca * c2 - sa * s2;
          sa = na;
          const nb = sb * c2 + cb * s2;
          cb = cb * c2 - sb * s2;
          sb = nb;
        }
        if (k < m) y0 += (base[k] + at * delta[k]) * sa;
        let y = y0 + y1;
        if (L) {
          // Noise: mulberry32 as uniformNoise, then y += Σ_i u[n−i]·IR_{frame(n−i)}[i].
          rng = (rng + 0x6d2b79f5) >>> 0;
          let z = rng;
          z = Math.imul(z ^ (z >>> 15), z | 1);
          z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
          q = q + 1 === M ? 0 : q + 1;
          const u = ((z ^ (z >>> 14)) >>> 0) / 2147483648 - 1;
          uRing[q] = u;
          uRing[q + M] = u;
          // Runs of taps by the frame their input sample belongs to: t + 1 taps from this frame,
          // then hop from each earlier one.
          const newest = q + M;
          let acc = 0;
          let i = 0;
          let end = t + 1 < L ? t + 1 : L;
          let back = 0;
          while (i < L) {
            const base = (((frameNo - back) % irSlots) + irSlots) % irSlots * L;
            for (; i < end; i++) acc += uRing[newest - i] * IR[base + i];
            back++;
            end = end + hop < L ? end + hop : L;
          }
          y += acc;
        }
        out[offset + done] = rev ? rev.next(y) : y;
      }
      if (t === hop) {
        t = 0;
        head = j1;
        count--;
        frameNo++;
      }
    }
    return done;
  }

  return {
    sampleRate,
    hop,
    capacity,
    get queued() {
      return count;
    },
    push,
    render,
  };
}
