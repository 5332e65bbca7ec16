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
