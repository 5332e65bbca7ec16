/**
 * Gradient checking, as public API: the dot-product test used by HIPS autograd, JAX and
 * ChainRules. For random directions u (input-shaped) and v (output-shaped),
 *   lhs = ⟨v, J·u⟩ ≈ ⟨v, f(x + h·u) − f(x − h·u)⟩ / 2h     (central difference, float64)
 *   rhs = ⟨Jᵀ·v, u⟩ = ⟨vjp(v, x), u⟩
 * and a trial passes when |lhs − rhs| ≤ atol + rtol·scale, where
 *   scale = max(|lhs|, |rhs|, Σᵢ |vᵢ·(f(x + h·u) − f(x − h·u))ᵢ| / 2h).
 * The last term is the size of the terms of the sum, so a projection that cancels to ≈ 0 by
 * chance is not held to an impossible relative standard.
 *
 * Directions are standard normal, scaled elementwise by max(1, |xᵢ|): the step is relative for
 * large inputs (frequencies in Hz, MIDI notes) and absolute for small ones, so rounding in f
 * does not swamp the difference. Any direction is a valid test; this one is well conditioned.
 *
 * Tolerance policy. PyTorch's gradcheck compares every Jacobian entry with eps 1e-6,
 * atol 1e-5, rtol 1e-3. Ours compares one projection per direction, where errors do not
 * accumulate over entries, so it can be tighter: h = 1e-6 gives a truncation error of order
 * h²·|f‴/f′| ≈ 1e-12 and a rounding error of order 1e-16·|f|/(h·|f′|) ≈ 1e-10 relative for
 * smooth ops, so rtol = 1e-5 leaves a wide margin while a wrong VJP (a missing factor, a sign,
 * an off-by-one) misses by far more. atol = 1e-8 covers projections that are themselves ≈ 0.
 * Keep x away from kinks (clips, |x| at 0) by more than h·max(1, |x|)·4.
 */
import { fail, readOptions } from '../core/errors.ts';
import { isNdArray } from '../core/frames.ts';
import { densify, treeDot, treeMap, type Cotangent, type Params, type Tree } from '../core/tree.ts';
import type { Node } from '../graph/node.ts';
import { normalArray, rng, type Rng } from './rng.ts';

export interface CheckVjpOptions {
  /** Number of random (u, v) pairs. Default 3. */
  directions?: number;
  /** Seed of the directions; the report repeats it. Default 42. */
  seed?: number;
  /** Central-difference step h. Default 1e-6. */
  eps?: number;
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8. */
  atol?: number;
  /**
   * Finite-difference order: 2 (default, central difference) or 4, the five-point stencil
   * (f(x−2h) − 8f(x−h) + 8f(x+h) − f(x+2h))/12h, whose truncation error is O(h⁴): use it for
   * ops with strong curvature (logs of small magnitudes), at twice the evaluations.
   */
  order?: 2 | 4;
}

export interface VjpTrial {
  /** ⟨v, J·u⟩ by central differences. */
  lhs: number;
  /** ⟨Jᵀ·v, u⟩ from the VJP. */
  rhs: number;
  absError: number;
  relError: number;
  ok: boolean;
}

export interface VjpReport {
  ok: boolean;
  worstRelError: number;
  worstAbsError: number;
  trials: VjpTrial[];
  seed: number;
  eps: number;
  rtol: number;
  atol: number;
  /** One line for logs and failed assertions. */
  message: string;
}

function randomLike(r: Rng, x: Tree): Tree {
  return treeMap(([a]) => normalArray(r, a.length), [x]);
}

/** A normal direction scaled elementwise by max(1, |xᵢ|). */
function directionLike(r: Rng, x: Tree): Tree {
  return treeMap(([a]) => {
    const u = normalArray(r, a.length);
    for (let i = 0; i < a.length; i++) u[i] *= Math.max(1, Math.abs(a[i]));
    return u;
  }, [x]);
}

/** Σ |vᵢ·(p − m)ᵢ|. */
function termScale(v: Tree, p: Tree, m: Tree): number {
  let s = 0;
  treeMap(([a, b, c]) => {
    for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * (b[i] - c[i]));
    return a;
  }, [v, p, m]);
  return s;
}

function axpy(x: Tree, h: number, u: Tree): Tree {
  return treeMap(([a, b]) => {
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i] + h * b[i];
    return out;
  }, [x, u]);
}

function options(fn: string, opts: CheckVjpOptions) {
  const { directions = 3, seed = 42, eps = 1e-6, rtol = 1e-5, atol = 1e-8, order = 2 } = readOptions(fn, opts, ['directions', 'seed', 'eps', 'rtol', 'atol', 'order']);
  if (!Number.isInteger(directions) || directions < 1 || directions > 10000) fail(fn, `opts.directions must be an integer in [1, 10000] (got ${directions})`);
  if (!Number.isInteger(seed)) fail(fn, `opts.seed must be an integer (got ${seed})`);
  if (order !== 2 && order !== 4) fail(fn, `opts.order must be 2 or 4 (got ${order})`);
  for (const [k, v] of Object.entries({ eps, rtol, atol })) {
    if (!(v > 0) || !Number.isFinite(v)) fail(fn, `opts.${k} must be a positive finite number (got ${v})`);
  }
  return { directions, seed, eps, rtol, atol, order };
}

/** Summarise trials into a report. */
function report(name: string, trials: VjpTrial[], o: ReturnType<typeof options>): VjpReport {
  const worstRelError = Math.max(...trials.map((t) => t.relError));
  const worstAbsError = Math.max(...trials.map((t) => t.absError));
  const ok = trials.every((t) => t.ok);
  const worst = trials.reduce((a, b) => (b.relError > a.relError ? b : a));
  const message =
    `${name}: ${ok ? 'ok' : 'FAILED'}: worst relative error ${worstRelError.toExponential(2)} ` +
    `(lhs ${worst.lhs.toPrecision(8)}, rhs ${worst.rhs.toPrecision(8)}) over ${trials.length} directions, ` +
    `seed ${o.seed}, eps ${o.eps}, rtol ${o.rtol}, atol ${o.atol}${o.order === 4 ? ', order 4' : ''}`;
  return { ok, worstRelError, worstAbsError, trials, ...o, message };
}

function trial(lhs: number, rhs: number, terms: number, rtol: number, atol: number): VjpTrial {
  const absError = Math.abs(lhs - rhs);
  const scale = Math.max(Math.abs(lhs), Math.abs(rhs), terms);
  const relError = scale > 0 ? absError / scale : 0;
  return { lhs, rhs, absError, relError, ok: absError <= atol + rtol * scale && Number.isFinite(absError) };
}

/**
 * Check a hand-written VJP against central differences of its forward function.
 * `x` may be a signal or any tree of signals (e.g. `[a, b]` for a binary op).
 * @example
 *   const r = checkVjp((x) => softplus(x), (g, x) => softplusVjp(g, x), Float64Array.of(0.3, -1));
 *   r.ok // true; r.message says the worst relative error and the seed
 */
export function checkVjp<X extends Tree, Y extends Tree>(
  f: (x: X) => Y,
  vjp: (gy: Y, x: X) => Cotangent,
  x: X,
  opts: CheckVjpOptions = {},
): VjpReport {
  return checkVjpOf('checkVjp', f, vjp, x, opts);
}

/** The leaves of a tree argument must be finite Float64Arrays (or float64 ndarrays). */
function checkTreeArg(fn: string, arg: string, x: unknown): void {
  if (typeof x !== 'object' || x === null) fail(fn, `${arg} must be a signal or a tree of signals (got ${x === null ? 'null' : typeof x})`);
  const walk = (t: unknown, path: string): void => {
    if (t instanceof Float64Array || (isNdArray(t) && (t as { data: unknown }).data instanceof Float64Array)) {
      const d = t instanceof Float64Array ? t : ((t as { data: Float64Array }).data);
      for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) fail(fn, `${arg}${path}[${i}] is ${d[i]}; expected finite numbers`);
    } else if (Array.isArray(t)) t.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (typeof t === 'object' && t !== null && !ArrayBuffer.isView(t)) for (const [k, v] of Object.entries(t)) walk(v, `${path}.${k}`);
    else fail(fn, `${arg}${path} must be a Float64Array, a float64 ndarray or a tree of them (got ${t === null ? 'null' : ArrayBuffer.isView(t) ? (t as object).constructor.name : typeof t})`);
  };
  walk(x, '');
}

function checkVjpOf<X extends Tree, Y extends Tree>(fn: string, f: (x: X) => Y, vjp: (gy: Y, x: X) => Cotangent, x: X, opts: CheckVjpOptions): VjpReport {
  if (typeof f !== 'function') fail(fn, `f must be a function (got ${f === null ? 'null' : typeof f})`);
  if (typeof vjp !== 'function') fail(fn, `vjp must be a function (got ${vjp === null ? 'null' : typeof vjp})`);
  const o = options(fn, opts);
  checkTreeArg(fn, 'x', x);
  const r = rng(o.seed);
  const y = f(x);
  const trials: VjpTrial[] = [];
  for (let d = 0; d < o.directions; d++) {
    const u = directionLike(r, x);
    const v = randomLike(r, y) as Y;
    const yPlus = f(axpy(x, o.eps, u) as X);
    const yMinus = f(axpy(x, -o.eps, u) as X);
    let lhs = (treeDot(v, yPlus) - treeDot(v, yMinus)) / (2 * o.eps);
    if (o.order === 4) {
      const y2Plus = f(axpy(x, 2 * o.eps, u) as X);
      const y2Minus = f(axpy(x, -2 * o.eps, u) as X);
      lhs = (8 * (treeDot(v, yPlus) - treeDot(v, yMinus)) - (treeDot(v, y2Plus) - treeDot(v, y2Minus))) / (12 * o.eps);
    }
    const rhs = treeDot(densify(vjp(v, x), x), u);
    trials.push(trial(lhs, rhs, termScale(v, yPlus, yMinus) / (2 * o.eps), o.rtol, o.atol));
  }
  return report('checkVjp', trials, o);
}

/**
 * Check a graph Node's `vjp` against central differences of its `forward`, jointly in its
 * input and its parameters (pass `undefined` as x for a node that reads only parameters).
 * @example checkNodeVjp(seq(nodes.softplus(), nodes.cumsum()), x, {}).ok
 */
export function checkNodeVjp(node: Node, x: Tree | undefined, params: Params, opts: CheckVjpOptions = {}): VjpReport {
  const fn = 'checkNodeVjp';
  if (typeof node !== 'object' || node === null || typeof node.forward !== 'function' || typeof node.vjp !== 'function') {
    fail(fn, `node must be a Node { name, forward, vjp } (got ${node === null ? 'null' : typeof node})`);
  }
  if (typeof params !== 'object' || params === null) fail(fn, `params must be a record of parameters, {} for none (got ${params === null ? 'null' : typeof params})`);
  if (x !== undefined) checkTreeArg(fn, 'x', x);
  options(fn, opts);
  const hasX = x !== undefined;
  const z: Tree = hasX ? { x: x as Tree, params } : { params };
  const split = (t: Tree) => t as { x?: Tree; params: Params };
  const f = (t: Tree) => {
    const s = split(t);
    return node.forward(s.x as Tree, s.params);
  };
  const vjp = (gy: Tree, t: Tree): Cotangent => {
    const s = split(t);
    const [, pb] = node.vjp(s.x as Tree, s.params);
    const [gx, gp] = pb(gy);
    return hasX ? { x: gx, params: gp } : { params: gp };
  };
  const rep = checkVjpOf(fn, f, vjp, z, opts);
  return { ...rep, message: rep.message.replace('checkVjp', `checkNodeVjp(${node.name})`) };
}

export interface CheckAdjointOptions {
  /** Number of random (u, v) pairs. Default 3. */
  directions?: number;
  /** Seed. Default 42. */
  seed?: number;
  /** Relative tolerance against Σ|vᵢ(Au)ᵢ| + Σ|(Aᵀv)ⱼuⱼ|. Default 1e-12 (exact up to rounding). */
  rtol?: number;
  /**
   * Absolute tolerance, default 0. Ops computed by FFT round relative to ‖A‖·‖u‖·‖v‖ rather
   * than to the terms, so an operator that is (nearly) zero on the tested shape needs a floor,
   * e.g. 1e-13·‖A‖·√(nIn·nOut) with u, v standard normal.
   */
  atol?: number;
}

export interface AdjointReport {
  ok: boolean;
  worstRelError: number;
  trials: { lhs: number; rhs: number; relError: number }[];
  seed: number;
  rtol: number;
  message: string;
}

function absDot(a: Tree, b: Tree): number {
  let s = 0;
  treeMap(([p, q]) => {
    for (let i = 0; i < p.length; i++) s += Math.abs(p[i] * q[i]);
    return p;
  }, [a, b]);
  return s;
}

/**
 * Check that `adjoint` is the exact adjoint of the linear map `forward`: ⟨v, A·u⟩ = ⟨Aᵀ·v, u⟩
 * to rounding, for random u shaped like `x` and v shaped like A·x. No finite differences.
 * @example checkAdjoint(cumsum, reverseCumsum, new Float64Array(64)).ok // true
 */
export function checkAdjoint<X extends Tree, Y extends Tree>(
  forward: (x: X) => Y,
  adjoint: (y: Y) => Cotangent,
  x: X,
  opts: CheckAdjointOptions = {},
): AdjointReport {
  const fn = 'checkAdjoint';
  const { directions = 3, seed = 42, rtol = 1e-12, atol = 0 } = readOptions(fn, opts, ['directions', 'seed', 'rtol', 'atol']);
  if (!Number.isInteger(directions) || directions < 1 || directions > 10000) fail(fn, `opts.directions must be an integer in [1, 10000] (got ${directions})`);
  if (!Number.isInteger(seed)) fail(fn, `opts.seed must be an integer (got ${seed})`);
  if (!(rtol > 0) || !Number.isFinite(rtol)) fail(fn, `opts.rtol must be a positive finite number (got ${rtol})`);
  if (!(atol >= 0) || !Number.isFinite(atol)) fail(fn, `opts.atol must be a finite number >= 0 (got ${atol})`);
  if (typeof forward !== 'function') fail(fn, `forward must be a function (got ${forward === null ? 'null' : typeof forward})`);
  if (typeof adjoint !== 'function') fail(fn, `adjoint must be a function (got ${adjoint === null ? 'null' : typeof adjoint})`);
  checkTreeArg(fn, 'x', x);
  const r = rng(seed);
  const trials: AdjointReport['trials'] = [];
  let ok = true;
  for (let d = 0; d < directions; d++) {
    const u = randomLike(r, x) as X;
    const au = forward(u);
    const v = randomLike(r, au) as Y;
    const atv = densify(adjoint(v), x);
    const lhs = treeDot(v, au);
    const rhs = treeDot(atv, u);
    const scale = absDot(v, au) + absDot(atv, u);
    const err = Math.abs(lhs - rhs);
    const relError = scale > 0 ? err / scale : err;
    if (!(err <= atol + rtol * scale)) ok = false;
    trials.push({ lhs, rhs, relError });
  }
  const worstRelError = Math.max(...trials.map((t) => t.relError));
  const message = `checkAdjoint: ${ok ? 'ok' : 'FAILED'}: worst relative error ${worstRelError.toExponential(2)} over ${directions} directions, seed ${seed}, rtol ${rtol}`;
  return { ok, worstRelError, trials, seed, rtol, message };
}
