/**
 * DDSP's mean_difference: L1 = mean(|t − v|·w), L2 = mean((t − v)²·w), and a cosine distance
 * (1 − cos∠(t, v) along the last axis, averaged over frames; DDSP's TF1 cosine_distance is not
 * usable under TF2, so this is the normalised form). Returns a length-1 array.
 */
import { checkOneOf, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout, wrapLike, type Signal } from '../core/frames.ts';

export type LossType = 'L1' | 'L2' | 'COSINE';

export interface MeanDifferenceOptions {
  /** 'L1' (default), 'L2' or 'COSINE' (case-insensitive). */
  lossType?: LossType | Lowercase<LossType>;
  /** Elementwise weights (L1, L2), the same size as the inputs. */
  weights?: Signal;
}

function setup(fn: string, target: unknown, value: unknown, opts: MeanDifferenceOptions) {
  const T = readLayout(fn, 'target', target);
  const V = readLayout(fn, 'value', value);
  if (T.data.length !== V.data.length) fail(fn, `target and value must have the same size (got ${T.data.length} and ${V.data.length})`);
  if (T.data.length === 0) fail(fn, 'target and value must not be empty');
  opts = readOptions(fn, opts, optionKeys<MeanDifferenceOptions>()('lossType', 'weights'));
  if (opts.lossType !== undefined && typeof opts.lossType !== 'string') fail(fn, `opts.lossType must be 'L1', 'L2' or 'COSINE' (got ${typeof opts.lossType})`);
  const type = String(opts.lossType ?? 'L1').toUpperCase();
  checkOneOf(fn, 'opts.lossType', type, ['L1', 'L2', 'COSINE'] as const);
  let w: Float64Array | undefined;
  if (opts.weights !== undefined) {
    w = readLayout(fn, 'opts.weights', opts.weights).data;
    if (w.length !== T.data.length) fail(fn, `opts.weights must have ${T.data.length} values (got ${w.length})`);
    if (type === 'COSINE') fail(fn, 'opts.weights apply to L1 and L2 only');
  }
  return { T, V, t: T.data, v: V.data, type: type as LossType, w, rows: V.shaped ? V.n : 1, cols: V.shaped ? V.c : V.n };
}

/** (t·v, t·t, v·v) over row r of two [rows, cols] arrays. */
function rowDots(t: Float64Array, v: Float64Array, r: number, cols: number): [number, number, number] {
  let tv = 0;
  let tt = 0;
  let vv = 0;
  for (let i = r * cols; i < (r + 1) * cols; i++) {
    tv += t[i] * v[i];
    tt += t[i] * t[i];
    vv += v[i] * v[i];
  }
  return [tv, tt, vv];
}

/**
 * @example meanDifference(Float64Array.of(1, 2), Float64Array.of(1, 4)) // [1]
 */
export function meanDifference(target: Signal, value: Signal, opts: MeanDifferenceOptions = {}): Float64Array {
  const { t, v, type, w, rows, cols } = setup('meanDifference', target, value, opts);
  const n = t.length;
  let s = 0;
  if (type === 'COSINE') {
    for (let r = 0; r < rows; r++) {
      const [tv, tt, vv] = rowDots(t, v, r, cols);
      s += tt > 0 && vv > 0 ? 1 - tv / Math.sqrt(tt * vv) : 1;
    }
    return Float64Array.of(s / rows);
  }
  for (let i = 0; i < n; i++) {
    const d = t[i] - v[i];
    s += (type === 'L1' ? Math.abs(d) : d * d) * (w ? w[i] : 1);
  }
  return Float64Array.of(s / n);
}

/**
 * VJP of {@link meanDifference} with respect to target and value (L1 at t = v takes the
 * subgradient 0).
 */
export function meanDifferenceVjp<S extends Signal>(g: Float64Array, target: S, value: S, opts: MeanDifferenceOptions = {}): { target: S; value: S } {
  const { T, V, t, v, type, w, rows, cols } = setup('meanDifferenceVjp', target, value, opts);
  if (!(g instanceof Float64Array) || g.length !== 1) fail('meanDifferenceVjp', 'g must be a Float64Array of length 1');
  if (!Number.isFinite(g[0])) fail('meanDifferenceVjp', `g[0] is ${g[0]}; expected a finite number`);
  const n = t.length;
  const gt = new Float64Array(n);
  const gv = new Float64Array(n);
  if (type === 'COSINE') {
    for (let r = 0; r < rows; r++) {
      const [tv, tt, vv] = rowDots(t, v, r, cols);
      if (!(tt > 0 && vv > 0)) continue;
      const nt = Math.sqrt(tt);
      const nv = Math.sqrt(vv);
      const c = tv / (nt * nv);
      const k = -g[0] / rows;
      for (let i = r * cols; i < (r + 1) * cols; i++) {
        gv[i] = (k * (t[i] / nt - (c * v[i]) / nv)) / nv;
        gt[i] = (k * (v[i] / nv - (c * t[i]) / nt)) / nt;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = t[i] - v[i];
      const dd = (type === 'L1' ? Math.sign(d) : 2 * d) * (w ? w[i] : 1) * (g[0] / n);
      gt[i] = dd;
      gv[i] = -dd;
    }
  }
  return { target: wrapLike(T, gt, T.n), value: wrapLike(V, gv, V.n) };
}
