/**
 * A parametric EQ: a cascade of RBJ biquads, each band with per-sample frequency, Q and gain
 * (hold them constant to get a static EQ). Differentiable in the audio and every band parameter:
 * the VJP walks the cascade backwards, each stage by the biquad's adjoint recursion.
 */
import { fail, readOptions, within } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';
import { biquad, biquadVjp } from './iir.ts';
import { rbjBiquad, rbjBiquadVjp, type RbjType } from './rbj.ts';

export interface EqBand {
  type: RbjType;
  freqHz: Float64Array;
  q: Float64Array;
  gainDb: Float64Array;
}

function check(fn: string, bands: EqBand[], opts: { sampleRate?: number }): void {
  readOptions(fn, opts, ['sampleRate']);
  if (!Array.isArray(bands) || bands.length === 0) fail(fn, 'bands must be a non-empty array of { type, freqHz, q, gainDb }');
  bands.forEach((b, k) => {
    if (b === undefined) fail(fn, `bands[${k}] must be { type, freqHz, q, gainDb } (got undefined)`);
    readOptions(fn, b, ['type', 'freqHz', 'q', 'gainDb'], `bands[${k}]`);
  });
}

/** Run an inner call for band k, with its errors named after `fn` and the band. */
function forBand<T>(fn: string, k: number, body: () => T): T {
  try {
    return within(fn, body);
  } catch (e) {
    if (e instanceof Error && e.name === 'DdspError') e.message = e.message.replace(`${fn}: `, `${fn}: bands[${k}]: `);
    throw e;
  }
}

/**
 * @example parametricEq(audio, [{ type: 'peaking', freqHz, q, gainDb }], { sampleRate: 48000 })
 */
export function parametricEq(audio: Float64Array, bands: EqBand[], opts: { sampleRate?: number } = {}): Float64Array {
  const fn = 'parametricEq';
  check(fn, bands, opts);
  let y = readLayout(fn, 'audio', audio).data;
  bands.forEach((b, k) => {
    y = forBand(fn, k, () => biquad(y, rbjBiquad(b.type, b.freqHz, b.q, b.gainDb, opts)));
  });
  return y;
}

/** VJP of {@link parametricEq}. */
export function parametricEqVjp(
  gy: Float64Array,
  audio: Float64Array,
  bands: EqBand[],
  opts: { sampleRate?: number } = {},
): { audio: Float64Array; bands: { freqHz: Float64Array; q: Float64Array; gainDb: Float64Array }[] } {
  const fn = 'parametricEqVjp';
  check(fn, bands, opts);
  const inputs: Float64Array[] = [readLayout(fn, 'audio', audio).data];
  const coefs = bands.map((b, k) => forBand(fn, k, () => rbjBiquad(b.type, b.freqHz, b.q, b.gainDb, opts)));
  for (let k = 0; k < bands.length - 1; k++) inputs.push(forBand(fn, k, () => biquad(inputs[k], coefs[k])));
  let g = readLayout(fn, 'gy', gy).data;
  if (g.length !== inputs[0].length) fail(fn, `gy must have ${inputs[0].length} samples (got ${g.length})`);
  const out = new Array(bands.length);
  for (let k = bands.length - 1; k >= 0; k--) {
    const r = forBand(fn, k, () => biquadVjp(g, inputs[k], coefs[k]));
    const b = bands[k];
    out[k] = forBand(fn, k, () => rbjBiquadVjp(r.coefficients, b.type, b.freqHz, b.q, b.gainDb, opts));
    g = r.x;
  }
  return { audio: g, bands: out };
}
