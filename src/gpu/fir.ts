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
import type { Buf, Device } from './device.ts';
import { kernelSource } from './device.ts';

export interface FirPlan {
  /** Examples, each N samples with its own magnitudes. */
  B: number;
  N: number;
  L: number;
  hop: number;
  start: number;
  frames: number;
  windowSize: number;
  magnitudes: Signal[];
  /** Every example's IRs, [B, frames, L]. */
  ir: Float32Array;
}

export function planFir(fn: string, N: number, mags: Signal | readonly Signal[], o: FrequencyFilterOptions, extra: readonly string[] = []): FirPlan {
  const list = Array.isArray(mags) ? (mags as readonly Signal[]) : [mags as Signal];
  const magnitudes = list[0];
  const { windowSize = 0, padding = 'same', delayCompensation } = readOptions(fn, o, ['windowSize', 'padding', 'delayCompensation', ...extra]);
  if (padding !== 'same') fail(fn, `only opts.padding 'same' runs on the GPU so far (got ${String(padding)})`);
  const M = readLayout(fn, 'magnitudes', magnitudes);
  const nFrames = M.shaped ? M.n : 1;
  const bands = M.shaped ? M.c : M.n;
  if (bands < 2) fail(fn, `magnitudes need at least 2 frequency bands (got ${bands})`);
  const hop = checkBlocks(fn, N, nFrames);
  const ir = frequencyImpulseResponse(magnitudes, { windowSize });
  const L = M.shaped ? (ir as { shape: number[] }).shape[1] : (ir as Float64Array).length;
  const irs = new Float32Array(list.length * nFrames * L);
  list.forEach((m, b) => {
    const at = list.length > 1 ? `[${b}]` : '';
    const Mb = readLayout(fn, `magnitudes${at}`, m);
    if (Mb.n !== M.n || Mb.c !== M.c || Mb.shaped !== M.shaped) fail(fn, `magnitudes${at} must have the first example's shape`);
    const r = b === 0 ? ir : frequencyImpulseResponse(m, { windowSize });
    irs.set(M.shaped ? (r as { data: Float64Array }).data : (r as Float64Array), b * nFrames * L);
  });
  if (delayCompensation !== undefined && (!Number.isInteger(delayCompensation) || delayCompensation < 0)) fail(fn, `opts.delayCompensation must be an integer >= 0 (got ${delayCompensation})`);
  // The IR's zero lag; where the layout has none (a 1-tap window), DDSP's default delay, as fftConvolve.
  const zeroLag = firLayout(bands, windowSize, fn).zeroLag;
  const start = delayCompensation ?? (zeroLag >= 0 ? zeroLag : Math.max(0, ((L - 1) >> 1) - 1));
  return { B: list.length, N, L, hop, start, frames: nFrames, windowSize, magnitudes: list.slice(), ir: irs };
}


const fir = kernelSource(`function fir(xs, irs) {
  const q = this.thread.x;
  const e = idiv(q, this.constants.N);
  const n = q - e * this.constants.N;
  let acc = 0;
  for (let i = 0; i < this.constants.L; i++) {
    const m = n + this.constants.start - i;
    if (m >= 0 && m < this.constants.N) {
      const b = e * this.constants.frames + idiv(m, this.constants.hop);
      acc += xs[e * this.constants.N + m] * irs[b * this.constants.L + i];
    }
  }
  return acc;
}`);

const firGradAudio = kernelSource(`function firGradAudio(gy, irs) {
  const q = this.thread.x;
  const e = idiv(q, this.constants.N);
  const m = q - e * this.constants.N;
  const b = e * this.constants.frames + idiv(m, this.constants.hop);
  let acc = 0;
  for (let i = 0; i < this.constants.L; i++) {
    const n = m - this.constants.start + i;
    if (n >= 0 && n < this.constants.N) acc += gy[e * this.constants.N + n] * irs[b * this.constants.L + i];
  }
  return acc;
}`);

const firGradIr = kernelSource(`function firGradIr(gy, xs) {
  const q = this.thread.x;
  const ba = idiv(q, this.constants.L);
  const i = q - ba * this.constants.L;
  const e = idiv(ba, this.constants.frames);
  const b = ba - e * this.constants.frames;
  const o = e * this.constants.N;
  let acc = 0;
  for (let t = 0; t < this.constants.hop; t++) {
    const m = b * this.constants.hop + t;
    const n = m - this.constants.start + i;
    if (m < this.constants.N && n >= 0 && n < this.constants.N) acc += gy[o + n] * xs[o + m];
  }
  return acc;
}`);

function consts(p: FirPlan): Record<string, number> {
  return { L: p.L, hop: p.hop, start: p.start, N: p.N, frames: p.frames };
}

/** The filtered audio of every example, [B, N] on the device. */
export function filter(dev: Device, p: FirPlan, x: Buf): Promise<Buf> {
  return dev.run(dev.kernel('fir', fir, p.B * p.N, consts(p)), x, p.ir);
}

/** The audio's cotangent, [B, N] on the device. */
export function filterVjpAudio(dev: Device, p: FirPlan, gy: Buf): Promise<Buf> {
  return dev.run(dev.kernel('firGradAudio', firGradAudio, p.B * p.N, consts(p)), gy, p.ir);
}

/** Each example's magnitudes' cotangent: the IRs' on the device, folded onto the magnitudes in float64. */
export async function filterVjpMagnitudes(dev: Device, p: FirPlan, gy: Buf, x: Buf): Promise<Signal[]> {
  const b = await dev.run(dev.kernel('firGradIr', firGradIr, p.B * p.frames * p.L, consts(p)), gy, x);
  const all = await dev.read(b);
  dev.free(b);
  const per = p.frames * p.L;
  return p.magnitudes.map((m, e) => {
    const gIr = Float64Array.from(all.subarray(e * per, (e + 1) * per));
    const shaped = readLayout('filterVjpMagnitudes', 'magnitudes', m).shaped;
    return frequencyImpulseResponseVjp((shaped ? frames(gIr, p.frames, p.L) : gIr) as never, m, { windowSize: p.windowSize });
  });
}
