/**
 * The Node contract: a differentiable step is a plain value
 *   { name, forward(x, params) → y,  vjp(x, params) → [y, pullback] },   pullback(ȳ) → [x̄, p̄].
 * Cotangents may be sparse (`undefined` = zero). Trainable values enter a graph only through
 * {@link param}; every other node is a pure function of its input.
 */
import { fail } from '../core/errors.ts';
import type { Cotangent, Leaf, Params, Tree } from '../core/tree.ts';

export type Pullback = (gy: Cotangent) => readonly [gx: Cotangent, gp: Cotangent];

/**
 * The cotangent of a value of type T: the same structure with any part possibly absent (a zero).
 * For a plain Tree it is Cotangent; for a known record, tuple or signal it keeps that shape — what
 * {@link vjp} and valueAndGrad give back for a typed graph's input.
 */
export type CotangentOf<T> = Tree extends T
  ? Cotangent
  : T extends Leaf
    ? T | undefined
    : T extends readonly unknown[]
      ? { readonly [K in keyof T]: CotangentOf<T[K]> } | undefined
      : T extends object
        ? { readonly [K in keyof T]?: CotangentOf<T[K]> } | undefined
        : Cotangent;

export interface Node<X extends Tree = Tree, Y extends Tree = Tree> {
  readonly name: string;
  forward(x: X, params: Params): Y;
  vjp(x: X, params: Params): readonly [Y, Pullback];
}


/**
 * Build a Node from a forward function of x and a fused vjp (which may keep intermediate values
 * in its closure). Use this for ops without parameters; see {@link lift} for a forward/VJP pair.
 */
export function primitive<X extends Tree, Y extends Tree>(spec: {
  name: string;
  forward: (x: X) => Y;
  vjp: (x: X) => readonly [Y, (gy: Y) => Cotangent];
}): Node<X, Y> {
  if (typeof spec !== 'object' || spec === null) fail('primitive', `spec must be { name, forward, vjp } (got ${spec === null ? 'null' : typeof spec})`);
  const { name, forward, vjp } = spec;
  if (typeof name !== 'string') fail('primitive', `spec.name must be a string (got ${typeof name})`);
  if (typeof forward !== 'function') fail('primitive', `spec.forward must be a function (got ${typeof forward})`);
  if (typeof vjp !== 'function') fail('primitive', `spec.vjp must be a function (got ${typeof vjp})`);
  return {
    name,
    forward: (x) => forward(x),
    vjp: (x) => {
      const [y, back] = vjp(x);
      const pullback: Pullback = (gy) => (gy === undefined ? [undefined, undefined] : [back(gy as Y), undefined]);
      return [y, pullback];
    },
  };
}

function checkLifted(fn: string, name: unknown, f: unknown, fVjp: unknown): void {
  if (typeof name !== 'string' || name.length === 0) fail(fn, `name must be a non-empty string (got ${name === null ? 'null' : typeof name})`);
  if (typeof f !== 'function') fail(fn, `f must be a function (got ${f === null ? 'null' : typeof f})`);
  if (typeof fVjp !== 'function') fail(fn, `fVjp must be a function (got ${fVjp === null ? 'null' : typeof fVjp})`);
}

/**
 * Lift an op and its VJP, `f(x)` and `fVjp(ȳ, x)`, into a Node.
 * @example const node = lift('softplus', softplus, softplusVjp)
 */
export function lift<X extends Tree, Y extends Tree>(
  name: string,
  f: (x: X) => Y,
  fVjp: (gy: Y, x: X) => Cotangent,
): Node<X, Y> {
  checkLifted('lift', name, f, fVjp);
  return primitive({ name, forward: f, vjp: (x) => [f(x), (gy) => fVjp(gy, x)] });
}

/**
 * Lift a two-argument op (input `[a, b]`) and its VJP returning `[ā, b̄]`.
 * @example const product = lift2('mul', mul, mulVjp)
 */
export function lift2<A extends Tree, B extends Tree, Y extends Tree>(
  name: string,
  f: (a: A, b: B) => Y,
  fVjp: (gy: Y, a: A, b: B) => readonly [Cotangent, Cotangent],
): Node<readonly [A, B], Y> {
  checkLifted('lift2', name, f, fVjp);
  const check = (x: readonly [A, B]) => {
    if (!Array.isArray(x) || x.length !== 2) fail(name, `input must be a pair [a, b] (got ${Array.isArray(x) ? `${x.length} items` : typeof x})`);
  };
  return primitive({
    name,
    forward: (x) => (check(x), f(x[0], x[1])),
    vjp: (x) => {
      check(x);
      return [f(x[0], x[1]), (gy) => fVjp(gy, x[0], x[1]) as Cotangent];
    },
  });
}

/**
 * A trainable parameter: ignores its input and outputs `params[key]`; its cotangent goes to p̄.
 * @example valueAndGrad(seq(param('w'), sumNode))(undefined, { w }) // grad.w = ones
 */
export function param<Y extends Tree = Tree>(key: string): Node<Tree, Y> {
  if (typeof key !== 'string' || key.length === 0) fail('param', `key must be a non-empty string (got ${key === null ? 'null' : typeof key})`);
  const read = (params: Params): Y => {
    const v = params?.[key];
    if (v === undefined) {
      fail('param', `no parameter '${key}' (available: ${Object.keys(params ?? {}).join(', ') || 'none'})`);
    }
    return v as Y;
  };
  return {
    name: `param(${key})`,
    forward: (_x, params) => read(params),
    vjp: (_x, params) => [read(params), (gy) => [undefined, gy === undefined ? undefined : { [key]: gy }]],
  };
}

/** The identity node. */
export function identity<X extends Tree = Tree>(): Node<X, X> {
  return {
    name: 'identity',
    forward: (x) => x,
    vjp: (x) => [x, (gy) => [gy, undefined]],
  };
}

