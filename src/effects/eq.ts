/**
 * A parametric EQ: a cascade of RBJ biquads, each band with per-sample frequency, Q and gain
 * (hold them constant to get a static EQ). Differentiable in the audio and every band parameter:
 * the VJP walks the cascade backwards, each stage by the biquad's adjoint recursion.
 */
import { fail } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';
import { biquad, biquadVjp } from './iir.ts';
import { rbjBiquad, rbjBiquadVjp, type RbjType } from './rbj.ts';

export interface EqBand {
  type: RbjType;
  freqHz: Float64Array;
  q: Float64Array;
  gainDb: Float64Array;
}

function check(fn: string, bands: EqBand[]): void {
  if (!Array.isArray(bands) || bands.length === 0) fail(fn, 'bands must be a non-empty array of { type, freqHz, q, gainDb }');
}

/**
 * @example parametricEq(audio, [{ type: 'peaking', freqHz, q, gainDb }], { sampleRate: 48000 })
 */
export function parametricEq(audio: Float64Array, bands: EqBand[], opts: { sampleRate?: number } = {}): Float64Array {
  check('parametricEq', bands);
  let y = readLayout('parametricEq', 'audio', audio).data;
  for (const b of bands) y = biquad(y, rbjBiquad(b.type, b.freqHz, b.q, b.gainDb, opts));
  return y;
}

/** VJP of {@link parametricEq}. */
export function parametricEqVjp(
  gy: Float64Array,
  audio: Float64Array,
  bands: EqBand[],
  opts: { sampleRate?: number } = {},
): { audio: Float64Array; bands: { freqHz: Float64Array; q: Float64Array; gainDb: Float64Array }[] } {
  check('parametricEqVjp', bands);
  const inputs: Float64Array[] = [readLayout('parametricEqVjp', 'audio', audio).data];
  const coefs = bands.map((b) => rbjBiquad(b.type, b.freqHz, b.q, b.gainDb, opts));
  for (let k = 0; k < bands.length - 1; k++) inputs.push(biquad(inputs[k], coefs[k]));
  let g = readLayout('parametricEqVjp', 'gy', gy).data;
  const out = new Array(bands.length);
  for (let k = bands.length - 1; k >= 0; k--) {
    const r = biquadVjp(g, inputs[k], coefs[k]);
    const b = bands[k];
    out[k] = rbjBiquadVjp(r.coefficients, b.type, b.freqHz, b.q, b.gainDb, opts);
    g = r.x;
  }
  return { audio: g, bands: out };
}
