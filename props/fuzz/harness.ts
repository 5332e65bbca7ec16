/**
 * The bad-input fuzz harness. Each exported function gets a *template*: how to build a valid
 * call (arguments as typed specs) and under which name its errors must appear. From a template
 * the harness derives cases: the valid call itself (several seeds), and one case per argument per
 * mutation of that argument's kind (NaN inside an array, wrong lengths, zero/negative/fractional/
 * huge sizes, wrong types, null/undefined, unknown or ill-typed option keys, …). Each case is run
 * and classified; the property is that nothing but these outcomes ever happens:
 *   - accepted: the call returned, every number in the output is finite, and the mutation was one
 *     that can legitimately be valid (a length or size change, an omitted optional argument);
 *   - rejected: a DdspError whose `fn` is the called function and whose message names the argument
 *     (or option key) that was mutated.
 * Failures: any other error class, an inner function's name, a message that does not name the
 * argument, NaN/Infinity in an output, an input changed by the call, or a call slower than the
 * time limit (a hang in the making).
 */
import { DdspError } from '../../src/core/errors.ts';
import ndarray from 'ndarray';
import { frames } from '../../src/core/frames.ts';
import { rng, type Rng } from '../../src/check/rng.ts';

export type Kind =
  | 'signal' // Float64Array
  | 'frames' // float64 ndarray [n, c]
  | 'size' // integer ≥ 1 (a count of samples, frames, …)
  | 'count' // integer ≥ 0
  | 'int' // any integer (a seed, an offset)
  | 'positive' // finite number > 0
  | 'number' // finite number
  | 'bool'
  | 'enum'
  | 'string'
  | 'opts' // options object
  | 'record' // a required object (params, bands, …), mutated as a whole only
  | 'fn'
  | 'fixed'; // not mutated

export interface Arg {
  name: string;
  kind: Kind;
  value: unknown;
  /** For 'opts': the option keys and their specs (value = a valid setting). */
  keys?: Arg[];
  /** The argument (or key) may be left out. */
  optional?: boolean;
}

export interface Template {
  /** Valid arguments, built from a seeded generator. */
  args: (r: Rng) => Arg[];
  /** How to call it (default: f(...values)). May return a promise. */
  call?: (f: (...a: unknown[]) => unknown, values: unknown[]) => unknown;
  /** Name errors must carry (default: the export's last path segment). */
  name?: string;
  /** Predicates and formatters that accept any value return without error by design. */
  total?: boolean;
  /**
   * Constructors and tree helpers carry values through without reading them (frames(), treeAdd):
   * NaN/Infinity inside an array is passed on, not rejected. Everything else is still checked.
   */
  passthrough?: boolean;
  /** Arguments documented as any ArrayLike<number> (a Float32Array or a plain array is valid). */
  arrayLike?: string[];
  /**
   * Data a node passes to the ops inside it (a node's input and params): the op that reads it
   * rejects it under its own argument names, so the message need not use the template's name.
   */
  dataArgs?: string[];
  /** Combinators run the user's nodes: errors about the data may carry an inner op's name. */
  anyName?: boolean;
  /** Why the function is not fuzzed (throwing helpers for writing ops, classes). */
  skip?: string;
}

export type Outcome = 'valid-ok' | 'accepted' | 'rejected' | 'failure';

export interface CaseResult {
  fn: string;
  label: string;
  outcome: Outcome;
  detail?: string;
  ms: number;
}

// ---- argument builders -------------------------------------------------------------------

export const sig = (name: string, r: Rng, n: number, amp = 1): Arg => ({
  name, kind: 'signal', value: Float64Array.from({ length: n }, () => amp * (2 * r.uniform() - 1)),
});
export const pos = (name: string, r: Rng, n: number, lo = 0.1, hi = 1): Arg => ({
  name, kind: 'signal', value: Float64Array.from({ length: n }, () => lo + (hi - lo) * r.uniform()),
});
export const fixedSig = (name: string, value: Float64Array): Arg => ({ name, kind: 'signal', value });
export const fr = (name: string, r: Rng, n: number, c: number, lo = -1, hi = 1): Arg => ({
  name, kind: 'frames', value: frames(Float64Array.from({ length: n * c }, () => lo + (hi - lo) * r.uniform()), n, c),
});
export const fixedFr = (name: string, data: Float64Array, n: number, c: number): Arg => ({ name, kind: 'frames', value: frames(data, n, c) });
export const size = (name: string, value: number, optional = false): Arg => ({ name, kind: 'size', value, optional });
export const count = (name: string, value: number, optional = false): Arg => ({ name, kind: 'count', value, optional });
export const int = (name: string, value: number, optional = false): Arg => ({ name, kind: 'int', value, optional });
export const positive = (name: string, value: number, optional = false): Arg => ({ name, kind: 'positive', value, optional });
export const number = (name: string, value: number, optional = false): Arg => ({ name, kind: 'number', value, optional });
export const bool = (name: string, value: boolean, optional = true): Arg => ({ name, kind: 'bool', value, optional });
export const choice = (name: string, value: string, optional = true): Arg => ({ name, kind: 'enum', value, optional });
export const str = (name: string, value: string, optional = false): Arg => ({ name, kind: 'string', value, optional });
export const record = (name: string, value: unknown): Arg => ({ name, kind: 'record', value });
export const fn = (name: string, value: unknown): Arg => ({ name, kind: 'fn', value });
export const fixed = (name: string, value: unknown): Arg => ({ name, kind: 'fixed', value });
/** An options object: `keys` are specs of valid settings (each optional unless marked). */
export const opts = (keys: Arg[], optional = true): Arg => ({
  name: 'opts', kind: 'opts', optional, keys: keys.map((k) => ({ optional: true, ...k })),
  value: Object.fromEntries(keys.filter((k) => !k.optional || k.kind !== 'fixed').map((k) => [k.name, k.value])),
});
/** An options object whose valid form sets only the required keys. */
export const optsMin = (keys: Arg[], optional = true): Arg => {
  const a = opts(keys, optional);
  a.value = Object.fromEntries(keys.filter((k) => k.optional === false).map((k) => [k.name, k.value]));
  return a;
};
/** A cotangent shaped like `y` (a signal, frames, or a record/array of them). */
export function cot(name: string, r: Rng, y: unknown): Arg {
  if (y instanceof Float64Array) return sig(name, r, y.length);
  if (isFrames(y)) return fr(name, r, y.shape[0], y.shape[1]);
  return fixed(name, like(r, y));
}

function like(r: Rng, y: unknown): unknown {
  if (y instanceof Float64Array) return Float64Array.from(y, () => 2 * r.uniform() - 1);
  if (isFrames(y)) return frames(Float64Array.from(y.data, () => 2 * r.uniform() - 1), y.shape[0], y.shape[1]);
  if (typeof y === 'number') return 2 * r.uniform() - 1;
  if (Array.isArray(y)) return y.map((v) => like(r, v));
  if (typeof y === 'object' && y !== null) return Object.fromEntries(Object.entries(y).map(([k, v]) => [k, like(r, v)]));
  return y;
}

function isFrames(x: unknown): x is { shape: number[]; data: Float64Array } {
  return typeof x === 'object' && x !== null && 'shape' in x && 'stride' in x && 'data' in x;
}

// ---- mutations ---------------------------------------------------------------------------

/** `invalid`: must be rejected. `maybe`: may be accepted if the result is finite. */
interface Mutation {
  label: string;
  value: unknown;
  strict: boolean;
}

const WRONG_TYPES: Mutation[] = [
  { label: 'null', value: null, strict: true },
  { label: 'a string', value: 'abc', strict: true },
  { label: 'an object', value: { a: 1 }, strict: true },
];

function withValue(x: Float64Array, i: number, v: number): Float64Array {
  const c = x.slice();
  if (c.length > 0) c[Math.min(i, c.length - 1)] = v;
  return c;
}

function mutations(a: Arg): Mutation[] {
  const m: Mutation[] = [];
  if (!a.optional && a.kind !== 'fixed') m.push({ label: 'undefined', value: undefined, strict: true });
  switch (a.kind) {
    case 'signal': {
      const x = a.value as Float64Array;
      if (x.length > 0) {
        m.push({ label: 'NaN inside', value: withValue(x, x.length >> 1, NaN), strict: true });
        m.push({ label: 'Infinity inside', value: withValue(x, x.length - 1, Infinity), strict: true });
        m.push({ label: '−Infinity first', value: withValue(x, 0, -Infinity), strict: true });
        m.push({ label: 'one shorter', value: x.slice(0, x.length - 1), strict: false });
      }
      m.push({ label: 'one longer', value: Float64Array.from([...x, 0.5]), strict: false });
      m.push({ label: 'empty', value: new Float64Array(0), strict: false });
      m.push({ label: 'Float32Array', value: Float32Array.from(x), strict: true });
      m.push({ label: 'plain array', value: Array.from(x), strict: true });
      m.push({ label: 'a number', value: 3, strict: true });
      m.push(...WRONG_TYPES);
      break;
    }
    case 'frames': {
      const x = a.value as { shape: number[]; data: Float64Array };
      if (x.shape.length === 3) {
        const [b, n3, c3] = x.shape;
        const d3 = x.data;
        const nd = (data: ArrayLike<number>, shape: number[]) => ndarray(Float64Array.from(data), shape);
        if (d3.length > 0) m.push({ label: 'NaN inside', value: nd(withValue(d3, d3.length >> 1, NaN), [b, n3, c3]), strict: true });
        if (d3.length > 0) m.push({ label: 'Infinity inside', value: nd(withValue(d3, 0, Infinity), [b, n3, c3]), strict: true });
        m.push({ label: 'one more channel', value: nd(new Float64Array(b * n3 * (c3 + 1)).fill(0.5), [b, n3, c3 + 1]), strict: false });
        m.push({ label: 'one more frame', value: nd(new Float64Array(b * (n3 + 1) * c3).fill(0.5), [b, n3 + 1, c3]), strict: false });
        m.push({ label: 'flat Float64Array', value: d3.slice(), strict: false });
        m.push({ label: 'a number', value: 3, strict: true });
        m.push(...WRONG_TYPES);
        break;
      }
      const [n, c] = x.shape;
      const d = x.data;
      if (d.length > 0) m.push({ label: 'NaN inside', value: frames(withValue(d, d.length >> 1, NaN), n, c), strict: true });
      if (d.length > 0) m.push({ label: 'Infinity inside', value: frames(withValue(d, 0, Infinity), n, c), strict: true });
      m.push({ label: 'one more channel', value: frames(new Float64Array(n * (c + 1)).fill(0.5), n, c + 1), strict: false });
      m.push({ label: 'one more frame', value: frames(new Float64Array((n + 1) * c).fill(0.5), n + 1, c), strict: false });
      m.push({ label: 'zero frames', value: frames(new Float64Array(0), 0, c), strict: false });
      m.push({ label: 'flat Float64Array', value: d.slice(), strict: false });
      m.push({ label: 'ndarray over Float32Array', value: { data: Float32Array.from(d), shape: [n, c], stride: [c, 1], offset: 0 }, strict: true });
      m.push({ label: 'a number', value: 3, strict: true });
      m.push(...WRONG_TYPES);
      break;
    }
    case 'size':
    case 'count':
    case 'int': {
      const v = a.value as number;
      m.push({ label: 'zero', value: 0, strict: false });
      m.push({ label: 'negative', value: -3, strict: a.kind !== 'int' });
      m.push({ label: 'fractional', value: v + 0.5, strict: true });
      m.push({ label: 'NaN', value: NaN, strict: true });
      m.push({ label: 'Infinity', value: Infinity, strict: true });
      m.push({ label: 'huge (2^40)', value: 2 ** 40, strict: a.kind !== 'int' });
      m.push({ label: 'a numeric string', value: String(v), strict: true });
      m.push(...WRONG_TYPES);
      break;
    }
    case 'positive':
    case 'number': {
      m.push({ label: 'NaN', value: NaN, strict: true });
      m.push({ label: 'Infinity', value: Infinity, strict: true });
      m.push({ label: '−Infinity', value: -Infinity, strict: true });
      m.push({ label: 'zero', value: 0, strict: a.kind === 'positive' ? false : false });
      m.push({ label: 'negative', value: -2.5, strict: false });
      m.push({ label: 'huge (1e300)', value: 1e300, strict: false });
      m.push({ label: 'a numeric string', value: '2', strict: true });
      m.push(...WRONG_TYPES);
      break;
    }
    case 'bool':
      m.push({ label: 'a number', value: 1, strict: true }, { label: 'a string', value: 'yes', strict: true }, { label: 'null', value: null, strict: true });
      break;
    case 'enum':
      m.push({ label: 'unknown name', value: 'bogus', strict: true }, { label: 'a number', value: 3, strict: true }, { label: 'null', value: null, strict: true });
      break;
    case 'string':
      m.push({ label: 'a number', value: 3, strict: true }, { label: 'null', value: null, strict: true });
      break;
    case 'record':
      m.push({ label: 'null', value: null, strict: true }, { label: 'a number', value: 42, strict: true }, { label: 'a string', value: 'abc', strict: true });
      break;
    case 'fn':
      m.push({ label: 'null', value: null, strict: true }, { label: 'a number', value: 42, strict: true }, { label: 'an object', value: {}, strict: true });
      break;
    case 'opts': {
      const o = a.value as Record<string, unknown>;
      m.push({ label: 'null', value: null, strict: true });
      m.push({ label: 'a number', value: 42, strict: true });
      m.push({ label: 'a string', value: 'abc', strict: true });
      m.push({ label: 'an array', value: [1, 2], strict: true });
      const first = a.keys?.[0]?.name ?? 'option';
      m.push({ label: `unknown key '${first}X'`, value: { ...o, [`${first}X`]: 1 }, strict: true });
      m.push({ label: "unknown key 'zzz'", value: { ...o, zzz: 1 }, strict: true });
      break;
    }
    case 'fixed':
      break;
  }
  return m;
}

// ---- running -----------------------------------------------------------------------------

function snapshot(x: unknown, depth = 0): unknown {
  if (depth > 6) return x;
  if (ArrayBuffer.isView(x)) return (x as Float64Array).slice();
  if (Array.isArray(x)) return x.map((v) => snapshot(v, depth + 1));
  if (typeof x === 'object' && x !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x)) out[k] = snapshot((x as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return x;
}

function same(a: unknown, b: unknown, depth = 0): boolean {
  if (depth > 6) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i], depth + 1));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1));
  }
  return Object.is(a, b);
}

/** The first non-finite number in an output, as a path, or undefined. */
export function nonFinite(y: unknown, path = 'output', depth = 0): string | undefined {
  if (depth > 8 || y === null || y === undefined) return undefined;
  if (typeof y === 'number') return Number.isFinite(y) ? undefined : `${path} = ${y}`;
  if (y instanceof Float64Array || y instanceof Float32Array) {
    for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return `${path}[${i}] = ${y[i]}`;
    return undefined;
  }
  if (ArrayBuffer.isView(y) || typeof y === 'function' || typeof y === 'string' || typeof y === 'boolean') return undefined;
  if (isFrames(y)) return nonFinite(y.data, `${path}.data`, depth + 1);
  if (Array.isArray(y)) {
    for (let i = 0; i < y.length; i++) {
      const r = nonFinite(y[i], `${path}[${i}]`, depth + 1);
      if (r) return r;
    }
    return undefined;
  }
  if (typeof y === 'object') {
    for (const [k, v] of Object.entries(y)) {
      if (k === 'window' || k === 'lo' || k === 'hi') continue;
      const r = nonFinite(v, `${path}.${k}`, depth + 1);
      if (r) return r;
    }
  }
  return undefined;
}

/** Limit per call: generous for a 2-core CI machine, far below a hang. */
export const CALL_LIMIT_MS = 5000;

async function runOne(
  f: (...a: unknown[]) => unknown, t: Template, name: string, values: unknown[], label: string, mutated: Arg | undefined,
  mutation: Mutation | undefined, key: string | undefined,
): Promise<CaseResult> {
  const before = values.map((v) => snapshot(v));
  const t0 = performance.now();
  let result: unknown;
  let error: unknown;
  try {
    result = t.call ? t.call(f, values) : f(...values);
    if (result instanceof Promise) result = await result;
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  const base = { fn: name, label, ms };
  if (ms > CALL_LIMIT_MS) return { ...base, outcome: 'failure', detail: `took ${ms.toFixed(0)} ms` };
  for (let i = 0; i < values.length; i++) {
    if (!same(before[i], values[i])) return { ...base, outcome: 'failure', detail: `argument ${i} was mutated by the call` };
  }
  const isData = mutated !== undefined && t.dataArgs?.includes(mutated.name) === true;
  const carried = (t.passthrough || (isData && t.anyName)) && mutation !== undefined && /NaN|Infinity/.test(mutation.label) && (mutated?.kind === 'signal' || mutated?.kind === 'frames');
  if (error === undefined) {
    if (carried) return { ...base, outcome: 'accepted' };
    const bad = t.total ? undefined : nonFinite(result);
    if (bad) return { ...base, outcome: 'failure', detail: `non-finite output: ${bad}` };
    if (mutation === undefined) return { ...base, outcome: 'valid-ok' };
    const likeOk = (t.arrayLike?.includes(mutated?.name ?? '') && (mutation.label === 'Float32Array' || mutation.label === 'plain array')) || (isData && t.anyName);
    if (mutation.strict && !t.total && !likeOk) return { ...base, outcome: 'failure', detail: 'invalid input was accepted' };
    return { ...base, outcome: 'accepted' };
  }
  if (!(error instanceof DdspError)) {
    const e = error as Error;
    return { ...base, outcome: 'failure', detail: `${e?.name ?? typeof e}: ${e?.message ?? String(e)}` };
  }
  if (mutation === undefined) return { ...base, outcome: 'failure', detail: `valid call rejected: ${error.message}` };
  if (error.fn !== (t.name ?? name) && !(isData && t.anyName)) return { ...base, outcome: 'failure', detail: `error names '${error.fn}', not '${t.name ?? name}': ${error.message}` };
  if (mutation.strict && !isData) {
    const want = key ?? mutated!.name;
    const base1 = want.replace(/^opts\./, '').split('.').pop()!;
    if (!error.message.includes(base1) && !(mutated!.kind === 'opts' && key === undefined && error.message.includes('opts'))) {
      return { ...base, outcome: 'failure', detail: `message does not name '${want}': ${error.message}` };
    }
  }
  return { ...base, outcome: 'rejected' };
}

/** All cases of one template: `validSeeds` valid calls, then every mutation of every argument. */
export async function runTemplate(
  f: (...a: unknown[]) => unknown, t: Template, name: string, seed: number, validSeeds = 3,
): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (let s = 0; s < validSeeds; s++) {
    const args = t.args(rng(seed + s));
    out.push(await runOne(f, t, name, args.map((a) => a.value), `valid #${s}`, undefined, undefined, undefined));
  }
  const args = t.args(rng(seed));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    for (const m of mutations(a)) {
      const values = t.args(rng(seed)).map((b, j) => (j === i ? m.value : b.value));
      out.push(await runOne(f, t, name, values, `${a.name}: ${m.label}`, a, m, undefined));
    }
    if (a.kind === 'opts') {
      for (const k of a.keys ?? []) {
        for (const m of mutations(k)) {
          if (m.label === 'undefined') continue;
          const fresh = t.args(rng(seed));
          const o = { ...(fresh[i].value as Record<string, unknown>), [k.name]: m.value };
          const values = fresh.map((b, j) => (j === i ? o : b.value));
          out.push(await runOne(f, t, name, values, `opts.${k.name}: ${m.label}`, a, m, k.name));
        }
      }
    }
  }
  return out;
}

/**
 * Valid calls with one array argument scaled to tiny magnitudes (1e-155 … 1e-310, where squares
 * and reciprocals under- and overflow): each must return finite values or be rejected by a
 * DdspError; never NaN/Infinity.
 */
export async function runTiny(f: (...a: unknown[]) => unknown, t: Template, name: string, seed: number): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  const base = t.args(rng(seed));
  for (let i = 0; i < base.length; i++) {
    if (base[i].kind !== 'signal' && base[i].kind !== 'frames') continue;
    for (const s of [1e-155, 1e-160, 1e-310]) {
      const values = t.args(rng(seed)).map((b, j) => {
        if (j !== i) return b.value;
        if (b.kind === 'signal') return (b.value as Float64Array).map((v) => v * s);
        const fv = b.value as { data: Float64Array; shape: number[] };
        return ndarray(fv.data.map((v) => v * s), fv.shape.slice());
      });
      const label = `${base[i].name} × ${s}`;
      const t0 = performance.now();
      try {
        let r = t.call ? t.call(f, values) : f(...values);
        if (r instanceof Promise) r = await r;
        const bad = t.total ? undefined : nonFinite(r);
        out.push({ fn: name, label, ms: performance.now() - t0, outcome: bad ? 'failure' : 'accepted', detail: bad && `non-finite output: ${bad}` });
      } catch (e) {
        const ok = e instanceof DdspError;
        out.push({ fn: name, label, ms: performance.now() - t0, outcome: ok ? 'rejected' : 'failure', detail: ok ? undefined : String(e) });
      }
    }
  }
  return out;
}
