/**
 * The filtered-noise FIR on the GPU (internal; `ddsp/gpu` exposes it): DDSP's frequency_filter,
 * each input sample through its own block's impulse response, 'same' padding. The IRs are designed
 * on the CPU in float64 (frequencyImpulseResponse) and their cotangents folded back onto the
 * magnitudes there too (frequencyImpulseResponseVjp); the convolutions run one output per thread:
 *   y[n]        = Σ_i x[n + s − i]·ir[b(n + s − i), i]
 *   x̄[m]        = Σ_i ȳ[m − s + i]·ir[b(m), i]
 *   īr[b, i]    = Σ_{m ∈ block b} ȳ[m − s + i]·x[m]
 * with s the delay compensation and b(m) = ⌊m / hop⌋.
 */
import { fail, readOptions } from '../core/errors.ts';
import { frames, readLayout, type Signal } from '../core/frames.ts';
import { checkBlocks } from '../spectral/convolve.ts';
import { firLayout, frequencyImpulseResponse, frequencyImpulseResponseVjp } from '../spectral/firDesign.ts';
import type { FrequencyFilterOptions } from '../spectral/frequencyFilter.ts';
import type { Buf, Device, Thread } from './device.ts';

export interface FirPlan {
  N: number;
  L: number;
  hop: number;
  start: number;
  frames: number;
  windowSize: number;
  magnitudes: Signal;
  ir: Float32Array;
}

export function planFir(fn: string, N: number, magnitudes: Signal, o: FrequencyFilterOptions, extra: readonly string[] = []): FirPlan {
  const { windowSize = 0, padding = 'same', delayCompensation } = readOptions(fn, o, ['windowSize', 'padding', 'delayCompensation', ...extra]);
  if (padding !== 'same') fail(fn, `only opts.padding 'same' runs on the GPU so far (got ${String(padding)})`);
  const M = readLayout(fn, 'magnitudes', magnitudes);
  const nFrames = M.shaped ? M.n : 1;
  const bands = M.shaped ? M.c : M.n;
  if (bands < 2) fail(fn, `magnitudes need at least 2 frequency bands (got ${bands})`);
  const hop = checkBlocks(fn, N, nFrames);
  const ir = frequencyImpulseResponse(magnitudes, { windowSize });
  const L = M.shaped ? (ir as { shape: number[] }).shape[1] : (ir as Float64Array).length;
  const irData = M.shaped ? (ir as { data: Float64Array }).data : (ir as Float64Array);
  const start = delayCompensation ?? firLayout(bands, windowSize, fn).zeroLag;
  if (!Number.isInteger(start) || start < 0) fail(fn, `opts.delayCompensation must be an integer >= 0 (got ${start})`);
  return { N, L, hop, start, frames: nFrames, windowSize, magnitudes, ir: Float32Array.from(irData) };
}

type CF = { L: number; hop: number; start: number; N: number };

function fir(this: Thread<CF>, xs: Float32Array, irs: Float32Array): number {
  const n = this.thread.x;
  let acc = 0;
  for (let i = 0; i < this.constants.L; i++) {
    const m = n + this.constants.start - i;
    if (m >= 0 && m < this.constants.N) {
      const b = Math.floor((m + 0.5) / this.constants.hop);
      acc += xs[m] * irs[b * this.constants.L + i];
    }
  }
  return acc;
}

function firGradAudio(this: Thread<CF>, gy: Float32Array, irs: Float32Array): number {
  const m = this.thread.x;
  const b = Math.floor((m + 0.5) / this.constants.hop);
  let acc = 0;
  for (let i = 0; i < this.constants.L; i++) {
    const n = m - this.constants.start + i;
    if (n >= 0 && n < this.constants.N) acc += gy[n] * irs[b * this.constants.L + i];
  }
  return acc;
}

function firGradIr(this: Thread<CF>, gy: Float32Array, xs: Float32Array): number {
  const q = this.thread.x;
  const b = Math.floor((q + 0.5) / this.constants.L);
  const i = q - b * this.constants.L;
  let acc = 0;
  for (let t = 0; t < this.constants.hop; t++) {
    const m = b * this.constants.hop + t;
    const n = m - this.constants.start + i;
    if (m < this.constants.N && n >= 0 && n < this.constants.N) acc += gy[n] * xs[m];
  }
  return acc;
}

function consts(p: FirPlan): CF {
  return { L: p.L, hop: p.hop, start: p.start, N: p.N };
}

/** The filtered audio, on the device. */
export function filter(dev: Device, p: FirPlan, x: Buf): Promise<Buf> {
  return dev.run(dev.kernel('fir', fir as never, p.N, consts(p)), x, p.ir);
}

/** The audio's cotangent, on the device. */
export function filterVjpAudio(dev: Device, p: FirPlan, gy: Buf): Promise<Buf> {
  return dev.run(dev.kernel('firGradAudio', firGradAudio as never, p.N, consts(p)), gy, p.ir);
}

/** The magnitudes' cotangent: the IRs' on the device, folded onto the magnitudes in float64. */
export async function filterVjpMagnitudes(dev: Device, p: FirPlan, gy: Buf, x: Buf): Promise<Signal> {
  const b = await dev.run(dev.kernel('firGradIr', firGradIr as never, p.frames * p.L, consts(p)), gy, x);
  const gIr = Float64Array.from(await dev.read(b));
  dev.free(b);
  const shaped = readLayout('filterVjpMagnitudes', 'magnitudes', p.magnitudes).shaped;
  return frequencyImpulseResponseVjp(shaped ? frames(gIr, p.frames, p.L) : gIr, p.magnitudes, { windowSize: p.windowSize });
}
