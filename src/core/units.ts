/**
 * Unit conversions (DDSP core.py semantics) and their VJPs: MIDI ↔ Hz, unit interval ↔ MIDI/Hz,
 * power/amplitude ↔ dB. Where DDSP clips or replaces a value, the gradient there is 0.
 */
import { checkBoolean, checkNumber, checkPositive, fail, finiteQuotient, optionKeys, readOptions, within } from './errors.ts';
import { readLayout, wrapLike, type Signal } from './frames.ts';
import { readCotangent } from './unary.ts';

const LN2_12 = Math.LN2 / 12;
const LOG2_440 = Math.log2(440);

export interface MidiToHzOptions {
  /** Map MIDI 0 to 0 Hz (silence) instead of 8.18 Hz. Default false. */
  midiZeroSilence?: boolean;
}
const MIDI_HZ_KEYS = optionKeys<MidiToHzOptions>()('midiZeroSilence');

/**
 * f = 440 · 2^((m − 69)/12); with `midiZeroSilence`, m = 0 gives 0 Hz.
 * VJP: m̄ = f̄ · f · ln2/12 (0 where silenced).
 * @example midiToHz(Float64Array.of(69, 81)) // [440, 880]
 */
export function midiToHz<T extends Signal>(m: T, opts: MidiToHzOptions = {}): T {
  const L = readLayout('midiToHz', 'm', m);
  const { midiZeroSilence = false } = readOptions('midiToHz', opts, MIDI_HZ_KEYS);
  checkBoolean('midiToHz', 'opts.midiZeroSilence', midiZeroSilence);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    out[i] = midiZeroSilence && xs[i] === 0 ? 0 : 440 * Math.exp((xs[i] - 69) * LN2_12);
  }
  return wrapLike(L, out, L.n);
}

/** VJP of {@link midiToHz}. */
export function midiToHzVjp<T extends Signal>(gf: T, m: T, opts: MidiToHzOptions = {}): T {
  const L = readLayout('midiToHzVjp', 'm', m);
  const g = readCotangent('midiToHzVjp', gf, L, 'gf');
  const { midiZeroSilence = false } = readOptions('midiToHzVjp', opts, MIDI_HZ_KEYS);
  checkBoolean('midiToHzVjp', 'opts.midiZeroSilence', midiZeroSilence);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    out[i] = midiZeroSilence && xs[i] === 0 ? 0 : g[i] * 440 * Math.exp((xs[i] - 69) * LN2_12) * LN2_12;
  }
  return wrapLike(L, out, L.n);
}

/**
 * m = 12·(log₂ f − log₂ 440) + 69 for f > 0, and m = 0 for f ≤ 0 (DDSP: 0 Hz is MIDI 0, not −∞).
 * VJP: f̄ = m̄ · 12/(f·ln 2) for f > 0, else 0.
 * @example hzToMidi(Float64Array.of(440, 0)) // [69, 0]
 */
export function hzToMidi<T extends Signal>(f: T): T {
  const L = readLayout('hzToMidi', 'f', f);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i] > 0 ? 12 * (Math.log2(xs[i]) - LOG2_440) + 69 : 0;
  return wrapLike(L, out, L.n);
}

/** VJP of {@link hzToMidi}. */
export function hzToMidiVjp<T extends Signal>(gm: T, f: T): T {
  const L = readLayout('hzToMidiVjp', 'f', f);
  const g = readCotangent('hzToMidiVjp', gm, L, 'gm');
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i] > 0 ? finiteQuotient(g[i] * (12 / Math.LN2), xs[i]) : 0;
  return wrapLike(L, out, L.n);
}

export interface UnitMidiOptions {
  /** MIDI note at unit 0. Default 20. */
  midiMin?: number;
  /** MIDI note at unit 1. Default 90. */
  midiMax?: number;
  /** Clip the unit value to [0, 1]. Default false. */
  clip?: boolean;
}

const UNIT_MIDI_KEYS = optionKeys<UnitMidiOptions>()('midiMin', 'midiMax', 'clip');

function midiRange(fn: string, opts: UnitMidiOptions): [number, number, boolean] {
  const { midiMin = 20, midiMax = 90, clip = false } = readOptions(fn, opts, UNIT_MIDI_KEYS);
  checkNumber(fn, 'opts.midiMin', midiMin);
  checkNumber(fn, 'opts.midiMax', midiMax);
  checkBoolean(fn, 'opts.clip', clip);
  if (!(midiMax > midiMin)) fail(fn, `opts.midiMax must be greater than opts.midiMin (got ${midiMin} and ${midiMax})`);
  return [midiMin, midiMax, clip];
}

/** Linear affine map with optional input clip (clip before) or output clip (clip after). */
function affine(
  fn: string,
  x: Signal,
  a: number,
  b: number,
  clipIn: boolean,
  clipOut: boolean,
  xName: string,
): Signal {
  const L = readLayout(fn, xName, x);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    let v = xs[i];
    if (clipIn) v = v < 0 ? 0 : v > 1 ? 1 : v;
    v = a * v + b;
    if (clipOut) v = v < 0 ? 0 : v > 1 ? 1 : v;
    out[i] = v;
  }
  return wrapLike(L, out, L.n);
}

function affineVjp(fn: string, gy: Signal, x: Signal, a: number, b: number, clipIn: boolean, clipOut: boolean, gName: string, xName: string): Signal {
  const L = readLayout(fn, xName, x);
  const g = readCotangent(fn, gy, L, gName);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    let pass = true;
    if (clipIn) pass = v >= 0 && v <= 1;
    if (clipOut) {
      const w = a * v + b;
      pass = w >= 0 && w <= 1;
    }
    out[i] = pass ? a * g[i] : 0;
  }
  return wrapLike(L, out, L.n);
}

/**
 * m = midiMin + (midiMax − midiMin)·u, with u clipped to [0, 1] first if `clip`.
 * VJP: ū = m̄·(midiMax − midiMin), 0 where u was clipped.
 * @example unitToMidi(Float64Array.of(0, 1)) // [20, 90]
 */
export function unitToMidi<T extends Signal>(u: T, opts: UnitMidiOptions = {}): T {
  const [lo, hi, clip] = midiRange('unitToMidi', opts);
  return affine('unitToMidi', u, hi - lo, lo, clip, false, 'u') as T;
}

/** VJP of {@link unitToMidi}. */
export function unitToMidiVjp<T extends Signal>(gm: T, u: T, opts: UnitMidiOptions = {}): T {
  const [lo, hi, clip] = midiRange('unitToMidiVjp', opts);
  return affineVjp('unitToMidiVjp', gm, u, hi - lo, lo, clip, false, 'gm', 'u') as T;
}

/**
 * u = (m − midiMin)/(midiMax − midiMin), clipped to [0, 1] afterwards if `clip`.
 * VJP: m̄ = ū/(midiMax − midiMin), 0 where clipped.
 * @example midiToUnit(Float64Array.of(55)) // [0.5]
 */
export function midiToUnit<T extends Signal>(m: T, opts: UnitMidiOptions = {}): T {
  const [lo, hi, clip] = midiRange('midiToUnit', opts);
  return affine('midiToUnit', m, 1 / (hi - lo), -lo / (hi - lo), false, clip, 'm') as T;
}

/** VJP of {@link midiToUnit}. */
export function midiToUnitVjp<T extends Signal>(gu: T, m: T, opts: UnitMidiOptions = {}): T {
  const [lo, hi, clip] = midiRange('midiToUnitVjp', opts);
  return affineVjp('midiToUnitVjp', gu, m, 1 / (hi - lo), -lo / (hi - lo), false, clip, 'gu', 'm') as T;
}

export interface UnitHzOptions {
  /** Frequency at unit 0 (≥ 0; 0 Hz means MIDI 0 = 8.18 Hz, as in DDSP). Required. */
  hzMin: number;
  /** Frequency at unit 1 (> hzMin). Required. */
  hzMax: number;
  /** Clip to [0, 1]. Default false. */
  clip?: boolean;
}

function hzRange(fn: string, opts: UnitHzOptions): UnitMidiOptions {
  if (opts === undefined) fail(fn, 'opts.hzMin and opts.hzMax are required');
  const { hzMin, hzMax, clip = false } = readOptions(fn, opts, optionKeys<UnitHzOptions>()('hzMin', 'hzMax', 'clip'));
  checkBoolean(fn, 'opts.clip', clip);
  checkNumber(fn, 'opts.hzMin', hzMin);
  checkPositive(fn, 'opts.hzMax', hzMax);
  if (hzMin < 0) fail(fn, `opts.hzMin must be >= 0 (got ${hzMin})`);
  if (!(hzMax > hzMin)) fail(fn, `opts.hzMax must be greater than opts.hzMin (got ${hzMin} and ${hzMax})`);
  const [midiMin, midiMax] = [hzMin, hzMax].map((h) => (h > 0 ? 12 * (Math.log2(h) - LOG2_440) + 69 : 0));
  return { midiMin, midiMax, clip };
}

/**
 * Unit interval → Hz, linear in MIDI (log in frequency):
 *   f = midiToHz(unitToMidi(u, hzToMidi(hzMin), hzToMidi(hzMax), clip)).
 * VJP by the chain rule through both steps.
 * @example unitToHz(Float64Array.of(0, 1), { hzMin: 20, hzMax: 1000 }) // [20, 1000]
 */
export function unitToHz<T extends Signal>(u: T, opts: UnitHzOptions): T {
  const r = hzRange('unitToHz', opts);
  return within('unitToHz', () => midiToHz(affine('unitToHz', u, r.midiMax! - r.midiMin!, r.midiMin!, r.clip!, false, 'u')) as T);
}

/** VJP of {@link unitToHz}. */
export function unitToHzVjp<T extends Signal>(gf: T, u: T, opts: UnitHzOptions): T {
  const r = hzRange('unitToHzVjp', opts);
  const L = readLayout('unitToHzVjp', 'u', u);
  readCotangent('unitToHzVjp', gf, L, 'gf');
  return within('unitToHzVjp', () => unitToMidiVjp(midiToHzVjp(gf, unitToMidi(u, r)), u, r));
}

/**
 * Hz → unit interval, linear in MIDI: u = midiToUnit(hzToMidi(f), hzToMidi(hzMin), hzToMidi(hzMax), clip).
 * @example hzToUnit(Float64Array.of(20, 1000), { hzMin: 20, hzMax: 1000 }) // [0, 1]
 */
export function hzToUnit<T extends Signal>(f: T, opts: UnitHzOptions): T {
  const r = hzRange('hzToUnit', opts);
  readLayout('hzToUnit', 'f', f);
  return within('hzToUnit', () => midiToUnit(hzToMidi(f), r));
}

/** VJP of {@link hzToUnit}. */
export function hzToUnitVjp<T extends Signal>(gu: T, f: T, opts: UnitHzOptions): T {
  const r = hzRange('hzToUnitVjp', opts);
  const L = readLayout('hzToUnitVjp', 'f', f);
  readCotangent('hzToUnitVjp', gu, L, 'gu');
  return within('hzToUnitVjp', () => hzToMidiVjp(midiToUnitVjp(gu, hzToMidi(f), r), f));
}

export interface DbOptions {
  /** Reference level subtracted from the result. Default 0. */
  refDb?: number;
  /** Dynamic range: the output is floored at −rangeDb. Default 80. */
  rangeDb?: number;
}

const DB_KEYS = optionKeys<DbOptions>()('refDb', 'rangeDb');

function dbConsts(fn: string, opts: DbOptions): [number, number, number] {
  const { refDb = 0, rangeDb = 80 } = readOptions(fn, opts, DB_KEYS);
  checkNumber(fn, 'opts.refDb', refDb);
  checkPositive(fn, 'opts.rangeDb', rangeDb);
  return [refDb, rangeDb, Math.pow(10, -rangeDb / 10)];
}

const TEN_OVER_LN10 = 10 / Math.LN10;

/**
 * Power → dB with DDSP's range clipping:
 *   db = max(10·log₁₀(max(p, pmin)) − refDb, −rangeDb),   pmin = 10^(−rangeDb/10).
 * VJP: p̄ = d̄b · 10/(p·ln 10) where neither clip is active (strictly), else 0.
 * @example powerToDb(Float64Array.of(1, 100, 0)) // [0, 20, -80]
 */
export function powerToDb<T extends Signal>(p: T, opts: DbOptions = {}): T {
  const L = readLayout('powerToDb', 'p', p);
  const [ref, range, pmin] = dbConsts('powerToDb', opts);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const db = 10 * Math.log10(xs[i] > pmin ? xs[i] : pmin) - ref;
    out[i] = db > -range ? db : -range;
  }
  return wrapLike(L, out, L.n);
}

/** VJP of {@link powerToDb}. */
export function powerToDbVjp<T extends Signal>(gdb: T, p: T, opts: DbOptions = {}): T {
  const L = readLayout('powerToDbVjp', 'p', p);
  const g = readCotangent('powerToDbVjp', gdb, L, 'gdb');
  const [ref, range, pmin] = dbConsts('powerToDbVjp', opts);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    out[i] = v > pmin && 10 * Math.log10(v) - ref > -range ? (g[i] * TEN_OVER_LN10) / v : 0;
  }
  return wrapLike(L, out, L.n);
}

/**
 * Amplitude → dB: powerToDb(a²). VJP: ā = d̄b · 20/(a·ln 10) where unclipped, else 0.
 * @example amplitudeToDb(Float64Array.of(1, 0.1)) // [0, -20]
 */
export function amplitudeToDb<T extends Signal>(a: T, opts: DbOptions = {}): T {
  const L = readLayout('amplitudeToDb', 'a', a);
  const [ref, range, pmin] = dbConsts('amplitudeToDb', opts);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const pw = xs[i] * xs[i];
    const db = 10 * Math.log10(pw > pmin ? pw : pmin) - ref;
    out[i] = db > -range ? db : -range;
  }
  return wrapLike(L, out, L.n);
}

/** VJP of {@link amplitudeToDb}. */
export function amplitudeToDbVjp<T extends Signal>(gdb: T, a: T, opts: DbOptions = {}): T {
  const L = readLayout('amplitudeToDbVjp', 'a', a);
  const g = readCotangent('amplitudeToDbVjp', gdb, L, 'gdb');
  const [ref, range, pmin] = dbConsts('amplitudeToDbVjp', opts);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    const pw = v * v;
    out[i] = pw > pmin && 10 * Math.log10(pw) - ref > -range ? (g[i] * 2 * TEN_OVER_LN10) / v : 0;
  }
  return wrapLike(L, out, L.n);
}

/**
 * dB → power: p = 10^(db/10).  VJP: d̄b = p̄ · p · ln10/10.
 * @example dbToPower(Float64Array.of(20)) // [100]
 */
export function dbToPower<T extends Signal>(db: T): T {
  return expScaled('dbToPower', db, Math.LN10 / 10) as T;
}

/** VJP of {@link dbToPower}. */
export function dbToPowerVjp<T extends Signal>(gp: T, db: T): T {
  return expScaledVjp('dbToPowerVjp', gp, db, Math.LN10 / 10, 'gp') as T;
}

/**
 * dB → amplitude: a = 10^(db/20).  VJP: d̄b = ā · a · ln10/20.
 * @example dbToAmplitude(Float64Array.of(-20)) // [0.1]
 */
export function dbToAmplitude<T extends Signal>(db: T): T {
  return expScaled('dbToAmplitude', db, Math.LN10 / 20) as T;
}

/** VJP of {@link dbToAmplitude}. */
export function dbToAmplitudeVjp<T extends Signal>(ga: T, db: T): T {
  return expScaledVjp('dbToAmplitudeVjp', ga, db, Math.LN10 / 20, 'ga') as T;
}

function expScaled(fn: string, x: Signal, k: number): Signal {
  const L = readLayout(fn, 'db', x);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = Math.exp(k * xs[i]);
  return wrapLike(L, out, L.n);
}

function expScaledVjp(fn: string, gy: Signal, x: Signal, k: number, gName: string): Signal {
  const L = readLayout(fn, 'db', x);
  const g = readCotangent(fn, gy, L, gName);
  const xs = L.data;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = g[i] * k * Math.exp(k * xs[i]);
  return wrapLike(L, out, L.n);
}
