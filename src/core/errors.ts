/**
 * The one error class of the library, and the entry checks every op runs before its loop.
 * Messages name the function, the argument, what was expected and what was got:
 *   `cumsum: x must be a Float64Array (got Float32Array); convert with Float64Array.from(x)`
 */
export class DdspError extends Error {
  /** The public function that rejected its input. */
  readonly fn: string;
  constructor(fn: string, message: string) {
    super(`${fn}: ${message}`);
    this.name = 'DdspError';
    this.fn = fn;
  }
}

/** Throw a DdspError for `fn`. */
export function fail(fn: string, message: string): never {
  throw new DdspError(fn, message);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  if (typeof x === 'number') return String(x);
  return typeof x;
}

/** Require a Float64Array of finite numbers. */
export function checkSignal(fn: string, arg: string, x: unknown): asserts x is Float64Array {
  if (!(x instanceof Float64Array)) {
    const hint = ArrayBuffer.isView(x) || Array.isArray(x) ? '; convert with Float64Array.from(x)' : '';
    fail(fn, `${arg} must be a Float64Array (got ${describe(x)})${hint}`);
  }
  checkFiniteValues(fn, arg, x);
}

/**
 * Require every value of `x` to be finite; names the first offending index.
 * Fast path: x − x is 0 for finite values and NaN otherwise, so four independent running sums
 * of it stay 0 exactly when all values are finite; only then do we scan for the index.
 */
export function checkFiniteValues(fn: string, arg: string, x: ArrayLike<number>): void {
  const n = x.length;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a += x[i] - x[i];
    b += x[i + 1] - x[i + 1];
    c += x[i + 2] - x[i + 2];
    d += x[i + 3] - x[i + 3];
  }
  for (; i < n; i++) a += x[i] - x[i];
  if (a + b + c + d === 0) return;
  for (let k = 0; k < n; k++) {
    const v = x[k];
    if (v - v !== 0) fail(fn, `${arg}[${k}] is ${v}; expected finite numbers`);
  }
}

/** Require a finite number. */
export function checkNumber(fn: string, arg: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(fn, `${arg} must be a finite number (got ${describe(v)})`);
}

/** Require a finite number > 0. */
export function checkPositive(fn: string, arg: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    fail(fn, `${arg} must be a positive finite number (got ${describe(v)})`);
  }
}

/** Require an integer ≥ `min` (default 1). */
export function checkInteger(fn: string, arg: string, v: unknown, min = 1): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    fail(fn, `${arg} must be an integer >= ${min} (got ${describe(v)})`);
  }
}

/** Require two arrays of the same length. */
export function checkSameLength(
  fn: string,
  aName: string,
  a: ArrayLike<number>,
  bName: string,
  b: ArrayLike<number>,
): void {
  if (a.length !== b.length) {
    fail(fn, `${aName} and ${bName} must have the same length (got ${a.length} and ${b.length})`);
  }
}

/** Require `v` to be one of `allowed`. */
export function checkOneOf<T extends string>(fn: string, arg: string, v: unknown, allowed: readonly T[]): asserts v is T {
  if (!allowed.includes(v as T)) {
    fail(fn, `${arg} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${JSON.stringify(v)})`);
  }
}

/** Require a plain boolean. */
export function checkBoolean(fn: string, arg: string, v: unknown): asserts v is boolean {
  if (typeof v !== 'boolean') fail(fn, `${arg} must be a boolean (got ${describe(v)})`);
}

/** Edit distance between two strings, case-insensitive (a case-only difference costs 0.5). */
function editDistance(a: string, b: string): number {
  if (a.toLowerCase() === b.toLowerCase()) return a === b ? 0 : 0.5;
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length];
}

/** The valid key closest to `key`, if it is close enough to be a likely typo. */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
  if (typeof key !== 'string') fail('nearestKey', `key must be a string (got ${describe(key)})`);
  if (!Array.isArray(valid) || valid.some((v) => typeof v !== 'string')) fail('nearestKey', 'valid must be an array of strings');
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(key, v);
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

const NO_OPTIONS: Readonly<Record<string, never>> = Object.freeze({});

/** True for a plain object literal (or an object with a null prototype). */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Check an options object at a public entry: `undefined` means all defaults; anything that is
 * not a plain object (null, a number, a string, an array, a typed array) is an error; so is a
 * key the function does not accept, reported with the valid keys and the nearest one:
 *   `stft: unknown option 'windowSiz' in opts; did you mean 'windowSize'? (valid: …)`.
 * Keys whose value is `undefined` count as absent; `null` is an error (it is not a default).
 * Returns the options, never a copy.
 */
export function readOptions<T extends object>(fn: string, opts: T | undefined, valid: readonly string[], arg = 'opts'): T {
  if (opts === undefined) return NO_OPTIONS as T;
  if (!isPlainObject(opts)) {
    const got = opts === null ? 'null' : Array.isArray(opts) ? 'an array' : describe(opts);
    fail(fn, `${arg} must be an options object like { ${valid.slice(0, 2).map((k) => `${k}: …`).join(', ')} } (got ${got})`);
  }
  for (const key of Object.keys(opts)) {
    if (valid.includes(key)) {
      if ((opts as Record<string, unknown>)[key] === null) fail(fn, `${arg}.${key} is null; leave it out (or undefined) for the default`);
      continue;
    }
    const near = nearestKey(key, valid);
    const hint = near !== undefined ? `; did you mean '${near}'?` : '';
    const list = valid.length > 0 ? `valid options: ${valid.join(', ')}` : `${fn} takes no options`;
    fail(fn, `unknown option '${key}' in ${arg}${hint} (${list})`);
  }
  return opts;
}

/**
 * Declare the runtime list of an options interface's keys, checked by the compiler to be
 * exactly `keyof T` (none missing, none extra): `const KEYS = optionKeys<StftOptions>()('frameSize', …)`.
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    ...keys: K & (Exclude<keyof T, K[number]> extends never ? unknown : { missing: Exclude<keyof T, K[number]> })
  ): readonly (keyof T & string)[] => keys;
}

/** The largest array a function will allocate: 2³⁰ values (8 GiB of float64). */
export const MAX_LENGTH = 2 ** 30;

/** Require an integer size in [min, MAX_LENGTH]: a count of samples, frames or bins. */
export function checkSize(fn: string, arg: string, v: unknown, min = 1): asserts v is number {
  checkInteger(fn, arg, v, min);
  if (v > MAX_LENGTH) fail(fn, `${arg} is ${v}, larger than the ${MAX_LENGTH} values this library will allocate`);
}

/**
 * Run `body` on behalf of the public function `fn`: a DdspError raised by an inner public
 * function it calls is re-raised under `fn`'s name (the inner name is kept in the message's
 * cause), so the user always reads the name of the function they called.
 */
export function within<T>(fn: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof DdspError && e.fn !== fn) {
      const err = new DdspError(fn, e.message.slice(e.fn.length + 2));
      (err as { cause?: unknown }).cause = e;
      throw err;
    }
    throw e;
  }
}

/** {@link within} for an async body: a DdspError it rejects with is re-raised under `fn`'s name. */
export async function withinAsync<T>(fn: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    return within(fn, () => {
      throw e;
    });
  }
}

/**
 * a/b for the chain rule of a division, kept finite: where the true quotient overflows (a tiny,
 * e.g. denormal, divisor) it saturates at ±Number.MAX_VALUE, and 0/0 gives 0.
 */
export function finiteQuotient(a: number, b: number): number {
  const q = a / b;
  if (q - q === 0) return q;
  if (q !== q) return 0;
  return q > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}
