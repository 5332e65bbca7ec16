/**
 * Check a parameter tree against a template of the same model (internal): the same keys at every
 * level and, at the leaves, float64 arrays or ndarrays of the template's shape with finite values.
 * The error names the path, e.g. "params.rnn.kernel must be [256, 1536] (got [128, 1536])".
 */
import { fail } from '../core/errors.ts';
import { isNdArray } from '../core/frames.ts';

export function checkLike(fn: string, path: string, template: unknown, given: unknown): void {
  if (template instanceof Float64Array) {
    if (!(given instanceof Float64Array)) fail(fn, `${path} must be a Float64Array of ${template.length} values (got ${describe(given)})`);
    if (given.length !== template.length) fail(fn, `${path} must have ${template.length} values (got ${given.length})`);
    for (let i = 0; i < given.length; i++) if (!Number.isFinite(given[i])) fail(fn, `${path}[${i}] is ${given[i]}; expected finite values`);
    return;
  }
  if (isNdArray(template)) {
    const ts = (template as { shape: number[] }).shape;
    if (!isNdArray(given) || !((given as { data: unknown }).data instanceof Float64Array)) fail(fn, `${path} must be a float64 ndarray [${ts.join(', ')}] (got ${describe(given)})`);
    const gs = (given as { shape: number[] }).shape;
    if (gs.length !== ts.length || gs.some((v, i) => v !== ts[i])) fail(fn, `${path} must be [${ts.join(', ')}] (got [${gs.join(', ')}])`);
    const d = (given as { data: Float64Array; size: number; get(...i: number[]): number });
    const n = ts.reduce((a, b) => a * b, 1);
    if (d.data.length < n) fail(fn, `${path} has fewer values than its shape`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(d.data[i])) fail(fn, `${path} has a non-finite value (${d.data[i]})`);
    return;
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) fail(fn, `${path} must be an object with ${Object.keys(template as object).join(', ')} (got ${describe(given)})`);
  const tk = Object.keys(template as object);
  for (const k of Object.keys(given as object)) if (!tk.includes(k)) fail(fn, `${path} has an unknown key '${k}' (expected ${tk.join(', ')})`);
  for (const k of tk) {
    if (!(k in (given as object))) fail(fn, `${path}.${k} is missing`);
    checkLike(fn, `${path}.${k}`, (template as Record<string, unknown>)[k], (given as Record<string, unknown>)[k]);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}
