/**
 * Combinators: bigger Nodes from smaller ones. The one rule they share: where a value fans out,
 * its cotangents add (x̄ and p̄ alike). Parameters are one record shared by every node;
 * {@link named} scopes a sub-graph's parameters under a key.
 */
import { fail } from '../core/errors.ts';
import { isLeaf, leafData, addCotangents, type Cotangent, type Leaf, type Params, type Tree } from '../core/tree.ts';
import ndarray from 'ndarray';
import type { Node, Pullback } from './node.ts';

type NodeSpec = readonly Node[] | { readonly [key: string]: Node };

function entries(fn: string, spec: NodeSpec): [string | number, Node][] {
  if (typeof spec !== 'object' || spec === null || Object.keys(spec).length === 0) {
    fail(fn, `spec must be a non-empty record or array of Nodes (got ${spec === null ? 'null' : typeof spec === 'object' ? 'an empty one' : typeof spec})`);
  }
  return Array.isArray(spec)
    ? (spec as readonly Node[]).map((n, i) => [i, n] as [number, Node])
    : Object.entries(spec as Record<string, Node>);
}

function checkNode(fn: string, n: unknown, where: string): void {
  const node = n as Node;
  if (typeof node !== 'object' || node === null || typeof node.forward !== 'function' || typeof node.vjp !== 'function') {
    fail(fn, `${where} is not a Node (got ${node === null ? 'null' : typeof node})`);
  }
}

/**
 * Run nodes one after another: seq(f, g)(x) = g(f(x)). The pullbacks run in reverse and the
 * parameter cotangents of all stages add. Associative: seq(seq(f, g), h) ≡ seq(f, seq(g, h)).
 * @example seq(lift('softplus', softplus, softplusVjp), lift('cumsum', cumsum, cumsumVjp))
 */
export function seq<A extends Tree, B extends Tree>(a: Node<A, B>): Node<A, B>;
export function seq<A extends Tree, B extends Tree, C extends Tree>(a: Node<A, B>, b: Node<B, C>): Node<A, C>;
export function seq<A extends Tree, B extends Tree, C extends Tree, D extends Tree>(a: Node<A, B>, b: Node<B, C>, c: Node<C, D>): Node<A, D>;
export function seq<A extends Tree, B extends Tree, C extends Tree, D extends Tree, E extends Tree>(a: Node<A, B>, b: Node<B, C>, c: Node<C, D>, d: Node<D, E>): Node<A, E>;
export function seq(...nodes: Node<any, any>[]): Node;
export function seq(...nodes: Node<any, any>[]): Node {
  return seqOf('seq', nodes);
}

/** The output type of a Node. */
export type NodeOutput<N> = N extends Node<any, infer Y> ? Y : Tree;
/** The input type of a Node. */
export type NodeInput<N> = N extends Node<infer X, any> ? X : Tree;
/** The input of a fanout: what every branch takes (their input types intersected). */
type FanInput<N> = (N extends unknown ? (x: NodeInput<N>) => void : never) extends (x: infer I) => void ? (I extends Tree ? I : Tree) : Tree;

function seqOf(fn: string, nodes: Node[]): Node {
  if (nodes.length === 0) fail(fn, 'needs at least one Node');
  nodes.forEach((n, i) => checkNode(fn, n, `argument ${i}`));
  return {
    name: `seq(${nodes.map((n) => n.name).join(', ')})`,
    forward(x, p) {
      let y: Tree = x;
      for (const n of nodes) y = n.forward(y, p);
      return y;
    },
    vjp(x, p) {
      const pullbacks: Pullback[] = [];
      let y: Tree = x;
      for (const n of nodes) {
        const [out, pb] = n.vjp(y, p);
        pullbacks.push(pb);
        y = out;
      }
      const pullback: Pullback = (gy) => {
        let g: Cotangent = gy;
        let gp: Cotangent = undefined;
        for (let i = pullbacks.length - 1; i >= 0; i--) {
          const [gx, gpi] = pullbacks[i](g);
          g = gx;
          gp = addCotangents(gp, gpi);
        }
        return [g, gp];
      };
      return [y, pullback];
    },
  };
}

/** Alias of {@link seq}; typed the same way (a known first input and last output carry through). */
export function chain<A extends Tree, B extends Tree>(a: Node<A, B>): Node<A, B>;
export function chain<A extends Tree, B extends Tree, C extends Tree>(a: Node<A, B>, b: Node<B, C>): Node<A, C>;
export function chain<A extends Tree, B extends Tree, C extends Tree, D extends Tree>(a: Node<A, B>, b: Node<B, C>, c: Node<C, D>): Node<A, D>;
export function chain<A extends Tree, B extends Tree, C extends Tree, D extends Tree, E extends Tree>(a: Node<A, B>, b: Node<B, C>, c: Node<C, D>, d: Node<D, E>): Node<A, E>;
export function chain(...nodes: Node<any, any>[]): Node;
export function chain(...nodes: Node<any, any>[]): Node {
  return seqOf('chain', nodes);
}

/**
 * Feed the same input to several nodes and collect their outputs in a record (or array).
 * Fan-out: x̄ = Σ x̄ₖ and p̄ = Σ p̄ₖ.
 * @example fanout({ harmonic: harmonicNode, noise: noiseNode })
 */
export function fanout<S extends { readonly [key: string]: Node<any, any> }>(spec: S): Node<FanInput<S[keyof S]>, { [K in keyof S]: NodeOutput<S[K]> }>;
export function fanout(spec: NodeSpec): Node;
export function fanout(spec: NodeSpec): Node {
  const items = entries('fanout', spec);
  items.forEach(([k, n]) => checkNode('fanout', n, `branch '${k}'`));
  const isArr = Array.isArray(spec);
  const collect = (vals: [string | number, Tree][]): Tree =>
    isArr ? vals.map(([, v]) => v) : Object.fromEntries(vals);
  return {
    name: `fanout(${items.map(([k, n]) => `${k}: ${n.name}`).join(', ')})`,
    forward: (x, p) => collect(items.map(([k, n]) => [k, n.forward(x, p)])),
    vjp(x, p) {
      const outs = items.map(([k, n]) => [k, ...n.vjp(x, p)] as const);
      const y = collect(outs.map(([k, yk]) => [k, yk]));
      const pullback: Pullback = (gy) => {
        if (gy === undefined) return [undefined, undefined];
        let gx: Cotangent = undefined;
        let gp: Cotangent = undefined;
        for (const [k, , pb] of outs) {
          const [gxk, gpk] = pb((gy as Record<string | number, Cotangent>)[k]);
          gx = addCotangents(gx, gxk);
          gp = addCotangents(gp, gpk);
        }
        return [gx, gp];
      };
      return [y, pullback];
    },
  };
}

/**
 * Apply node k to part k of the input (a record or array) and collect the outputs.
 * @example par({ f0: hzToMidiNode, loudness: identity() })
 */
export function par(spec: NodeSpec): Node {
  const items = entries('par', spec);
  items.forEach(([k, n]) => checkNode('par', n, `branch '${k}'`));
  const isArr = Array.isArray(spec);
  const part = (x: Tree, k: string | number): Tree => {
    const v = (x as Record<string | number, Tree>)?.[k];
    if (v === undefined) fail('par', `input has no part '${k}'`);
    return v;
  };
  const collect = <V>(vals: [string | number, V][]): V[] | Record<string, V> =>
    isArr ? vals.map(([, v]) => v) : Object.fromEntries(vals);
  return {
    name: `par(${items.map(([k, n]) => `${k}: ${n.name}`).join(', ')})`,
    forward: (x, p) => collect(items.map(([k, n]) => [k, n.forward(part(x, k), p)])) as Tree,
    vjp(x, p) {
      const outs = items.map(([k, n]) => [k, ...n.vjp(part(x, k), p)] as const);
      const y = collect(outs.map(([k, yk]) => [k, yk])) as Tree;
      const pullback: Pullback = (gy) => {
        if (gy === undefined) return [undefined, undefined];
        let gp: Cotangent = undefined;
        const gx: [string | number, Cotangent][] = [];
        for (const [k, , pb] of outs) {
          const [gxk, gpk] = pb((gy as Record<string | number, Cotangent>)[k]);
          gx.push([k, gxk]);
          gp = addCotangents(gp, gpk);
        }
        return [collect(gx) as Cotangent, gp];
      };
      return [y, pullback];
    },
  };
}

/**
 * Elementwise sum of the leaves of a record or array input (all of one size), e.g. the
 * outputs of a fanout. VJP: every input gets ȳ.
 * @example seq(fanout({ a, b }), sum())
 */
export function sum(): Node<Tree, Float64Array> {
  const parts = (x: Tree): [string | number, Leaf][] => {
    if (isLeaf(x)) fail('sum', 'input must be a record or array of signals, not a single signal');
    const es: [string | number, Tree][] = Array.isArray(x) ? x.map((v, i) => [i, v]) : Object.entries(x);
    if (es.length === 0) fail('sum', 'input has no parts to sum');
    for (const [k, v] of es) if (!isLeaf(v)) fail('sum', `part '${k}' is not a signal`);
    return es as [string | number, Leaf][];
  };
  const forward = (x: Tree): Tree => {
    const es = parts(x);
    const first = es[0][1];
    const n = leafData(first).length;
    const out = new Float64Array(n);
    for (const [k, v] of es) {
      const d = leafData(v);
      if (d.length !== n) fail('sum', `part '${k}' has ${d.length} values, part '${es[0][0]}' has ${n}`);
      for (let i = 0; i < n; i++) out[i] += d[i];
    }
    return first instanceof Float64Array ? out : ndarray(out, first.shape.slice());
  };
  return {
    name: 'sum',
    forward: (x) => forward(x) as Float64Array,
    vjp(x) {
      const y = forward(x) as Float64Array;
      const es = parts(x);
      const isArr = Array.isArray(x);
      const pullback: Pullback = (gy) => {
        if (gy === undefined) return [undefined, undefined];
        const gx = isArr ? es.map(() => gy) : Object.fromEntries(es.map(([k]) => [k, gy]));
        return [gx as Cotangent, undefined];
      };
      return [y, pullback];
    },
  };
}

/**
 * Select one part of a record or array input; a path 'a/b' reaches into nested records.
 * VJP: a sparse cotangent with ȳ at that path.
 * @example seq(pick('harmonic'), harmonicNode)
 */
export function pick<K extends string>(path: K): Node<K extends `${string}/${string}` ? Tree : { readonly [P in K]: Tree }, any>;
export function pick(path: number): Node<readonly Tree[], any>;
export function pick(path: string | number): Node;
export function pick(path: string | number): Node {
  if (!(typeof path === 'string' || (typeof path === 'number' && Number.isInteger(path) && path >= 0))) {
    fail('pick', `path must be a string like 'harmonic/f0Hz' or an array index (got ${path === null ? 'null' : typeof path === 'number' ? path : typeof path})`);
  }
  const keys = typeof path === 'number' ? [path] : path.split('/').filter((s) => s.length > 0);
  if (keys.length === 0) fail('pick', `path must name at least one key (got '${path}')`);
  const get = (x: Tree): Tree => {
    let v: unknown = x;
    for (const k of keys) {
      v = (v as Record<string | number, unknown>)?.[k];
      if (v === undefined) fail('pick', `input has no path '${keys.join('/')}' (missing '${k}')`);
    }
    return v as Tree;
  };
  const wrap = (x: Tree, depth: number, g: Cotangent): Cotangent => {
    if (depth === keys.length) return g;
    const k = keys[depth];
    const child = (x as Record<string | number, Tree>)[k];
    if (Array.isArray(x)) {
      const arr: Cotangent[] = new Array(x.length).fill(undefined);
      arr[k as number] = wrap(child, depth + 1, g);
      return arr;
    }
    return { [k]: wrap(child, depth + 1, g) };
  };
  return {
    name: `pick(${keys.join('/')})`,
    forward: (x) => get(x),
    vjp: (x) => [get(x), (gy) => [gy === undefined ? undefined : wrap(x, 0, gy), undefined]],
  };
}

/**
 * Scope a node's parameters under `name`: inside, params are `params[name]` (default {}),
 * and its parameter cotangent comes back as `{ [name]: p̄ }`.
 * @example named('reverb', reverbNode) // trains params.reverb.ir
 */
export function named(name: string, node: Node): Node {
  if (typeof name !== 'string' || name.length === 0) fail('named', `name must be a non-empty string (got ${name === null ? 'null' : typeof name})`);
  checkNode('named', node, 'node');
  const scope = (p: Params): Params => {
    const sub = p?.[name] ?? {};
    if (isLeaf(sub) || Array.isArray(sub)) fail('named', `params.${name} must be a record of parameters`);
    return sub as Params;
  };
  return {
    name: `${name}:${node.name}`,
    forward: (x, p) => node.forward(x, scope(p)),
    vjp(x, p) {
      const [y, pb] = node.vjp(x, scope(p));
      return [
        y,
        (gy) => {
          const [gx, gp] = pb(gy);
          return [gx, gp === undefined ? undefined : { [name]: gp }];
        },
      ];
    },
  };
}

/**
 * Map a node over an array of inputs with shared parameters; p̄ sums over the batch.
 * @example batch(lossNode) // input: Tree[], output: Tree[]
 */
export function batch(node: Node): Node {
  checkNode('batch', node, 'node');
  const items = (x: Tree): readonly Tree[] => {
    if (!Array.isArray(x)) fail('batch', `input must be an array of examples (got ${isLeaf(x) ? 'a single signal' : 'a record'})`);
    return x;
  };
  return {
    name: `batch(${node.name})`,
    forward: (x, p) => items(x).map((xi) => node.forward(xi, p)),
    vjp(x, p) {
      const outs = items(x).map((xi) => node.vjp(xi, p));
      const pullback: Pullback = (gy) => {
        if (gy === undefined) return [undefined, undefined];
        let gp: Cotangent = undefined;
        const gx = outs.map(([, pb], i) => {
          const [gxi, gpi] = pb((gy as readonly Cotangent[])[i]);
          gp = addCotangents(gp, gpi);
          return gxi;
        });
        return [gx, gp];
      };
      return [outs.map(([y]) => y), pullback];
    },
  };
}

/**
 * Block gradients: the value passes (through `node` if given), the cotangent is zero for both
 * the input and the parameters.
 * @example seq(stopGradient(f0Node), ...) // f0 is treated as a constant
 */
export function stopGradient(node?: Node): Node {
  if (node !== undefined) checkNode('stopGradient', node, 'node');
  const f = (x: Tree, p: Params) => (node ? node.forward(x, p) : x);
  return {
    name: `stopGradient(${node?.name ?? ''})`,
    forward: f,
    vjp: (x, p) => [f(x, p), () => [undefined, undefined]],
  };
}
