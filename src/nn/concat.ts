/**
 * Concatenation along the last (channel) axis and its adjoint, the split:
 *   concat([a [.., p], b [.., q]]) = [.., p + q],   VJP: split the cotangent back.
 * All inputs share their leading shape ([rows, c] or [batch, frames, c]).
 */
import { fail } from '../core/errors.ts';
import { readRows, wrapRows, type Rows, type Tensor } from './tensor.ts';

function readAll(fn: string, xs: unknown): Rows[] {
  if (!Array.isArray(xs) || xs.length === 0) fail(fn, `xs must be a non-empty array of tensors (got ${xs === null ? 'null' : typeof xs})`);
  const rs = xs.map((x, i) => readRows(fn, `xs[${i}]`, x));
  const lead = rs[0].shape.slice(0, -1).join(', ');
  rs.forEach((r, i) => {
    if (r.shape.slice(0, -1).join(', ') !== lead) fail(fn, `xs[${i}] has leading shape [${r.shape.slice(0, -1).join(', ')}], xs[0] has [${lead}]`);
  });
  return rs;
}

/** @example concat([frames(f64(1, 2), 2, 1), frames(f64(3, 4), 2, 1)]) // [[1, 3], [2, 4]] */
export function concat(xs: Tensor[]): Tensor {
  const rs = readAll('concat', xs);
  const c = rs.reduce((s, r) => s + r.c, 0);
  const rows = rs[0].rows;
  const out = new Float64Array(rows * c);
  let off = 0;
  for (const r of rs) {
    for (let i = 0; i < rows; i++) out.set(r.data.subarray(i * r.c, (i + 1) * r.c), i * c + off);
    off += r.c;
  }
  return wrapRows(rs[0], out, c);
}

/** Split a tensor's channels into consecutive parts of the given sizes (the adjoint of concat). */
export function splitChannels(x: Tensor, sizes: readonly number[]): Tensor[] {
  const fn = 'splitChannels';
  const X = readRows(fn, 'x', x);
  if (!Array.isArray(sizes) || sizes.some((s) => !Number.isInteger(s) || s < 1)) fail(fn, 'sizes must be an array of positive integers');
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== X.c) fail(fn, `sizes add up to ${total}, but x has ${X.c} channels`);
  let off = 0;
  return sizes.map((s) => {
    const out = new Float64Array(X.rows * s);
    for (let i = 0; i < X.rows; i++) out.set(X.data.subarray(i * X.c + off, i * X.c + off + s), i * s);
    off += s;
    return wrapRows(X, out, s);
  });
}

/** VJP of {@link concat}: the cotangent's channels split by the inputs' widths. */
export function concatVjp(gy: Tensor, xs: Tensor[]): Tensor[] {
  const rs = readAll('concatVjp', xs);
  const G = readRows('concatVjp', 'gy', gy);
  const c = rs.reduce((s, r) => s + r.c, 0);
  if (G.rows !== rs[0].rows || G.c !== c) fail('concatVjp', `gy must have ${rs[0].rows} rows of ${c} channels (got ${G.rows} of ${G.c})`);
  return splitChannels(gy, rs.map((r) => r.c));
}
