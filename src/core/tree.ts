/**
 * Parameter trees: nested records (or arrays) whose leaves are Float64Arrays or float64
 * ndarrays. Gradients are trees of the same shape. A cotangent may be *sparse*: `undefined`
 * means zero, and a record may leave keys out. Every function here allocates; none mutates.
 */
import ndarray from 'ndarray';
import { fail } from './errors.ts';
import { contiguous, isNdArray, type Frames } from './frames.ts';

export type Leaf = Float64Array | Frames;
export type Tree = Leaf | readonly Tree[] | { readonly [key: string]: Tree };
/** A tree of cotangents where `undefined` anywhere stands for zeros. */
export type Cotangent = Leaf | undefined | readonly Cotangent[] | { readonly [key: string]: Cotangent };
/** Parameters: a record of trees. */
export type Params = { readonly [key: string]: Tree };

export function isLeaf(x: unknown): x is Leaf {
  return x instanceof Float64Array || isNdArray(x);
}

/** The values of a leaf as a row-major Float64Array (no copy when already contiguous). */
export function leafData(x: Leaf): Float64Array {
  if (x instanceof Float64Array) return x;
  if (!isNdArray(x) || !((x as Frames).data instanceof Float64Array)) fail('leafData', `x must be a Float64Array or a float64 ndarray (got ${x === null ? 'null' : typeof x})`);
  const c = x.offset === 0 && x.data.length === x.size ? x.data : contiguous(x);
  return c as Float64Array;
}

function withData(like: Leaf, data: Float64Array): Leaf {
  return like instanceof Float64Array ? data : ndarray(data, like.shape.slice());
}

function leafSize(x: Leaf): number {
  return x instanceof Float64Array ? x.length : x.size;
}

/**
 * Apply `f` to the leaves of `trees` (all of the same structure as the first).
 * @example treeMap(([a, b]) => a.map((v, i) => v * b[i]), [{ w: a }, { w: b }])
 */
export function treeMap(f: (leaves: Float64Array[]) => Float64Array, trees: readonly Tree[], path = ''): Tree {
  if (typeof f !== 'function') fail('treeMap', `f must be a function of the leaves (got ${f === null ? 'null' : typeof f})`);
  if (!Array.isArray(trees) || trees.length === 0) fail('treeMap', 'trees must be a non-empty array of trees');
  return mapTree('treeMap', f, trees, path);
}

function mapTree(
  fn: string,
  f: (leaves: Float64Array[]) => Float64Array,
  trees: readonly Tree[],
  path = '',
  names: readonly string[] = trees.map((_, i) => `tree ${i}`),
): Tree {
  const t0 = trees[0];
  const where = path || '/';
  if (isLeaf(t0)) {
    const leaves = trees.map((t, i) => {
      if (!isLeaf(t)) fail(fn, `${names[i]} has ${t === null || typeof t !== 'object' ? `${t === null ? 'null' : typeof t}` : 'a branch'} at '${where}' where ${names[0]} has a leaf`);
      if (leafSize(t) !== leafSize(t0)) {
        fail(fn, `leaf '${where}' has size ${leafSize(t)} in ${names[i]} and ${leafSize(t0)} in ${names[0]}`);
      }
      return leafData(t);
    });
    return withData(t0, f(leaves));
  }
  if (typeof t0 !== 'object' || t0 === null) fail(fn, `${names[0]} at '${where}' is neither a leaf nor a branch (got ${t0 === null ? 'null' : typeof t0})`);
  trees.forEach((t, i) => {
    if (typeof t !== 'object' || t === null || isLeaf(t) || Array.isArray(t) !== Array.isArray(t0)) {
      fail(fn, `${names[i]} at '${where}' must be ${Array.isArray(t0) ? 'an array' : 'a record'} like ${names[0]} (got ${t === null ? 'null' : isLeaf(t) ? 'a leaf' : typeof t})`);
    }
  });
  if (Array.isArray(t0)) {
    return t0.map((_, k) => mapTree(fn, f, trees.map((t) => (t as readonly Tree[])[k]), `${path}[${k}]`, names));
  }
  const out: Record<string, Tree> = {};
  for (const key of Object.keys(t0)) {
    out[key] = mapTree(
      fn,
      f,
      trees.map((t, i) => {
        const sub = (t as Record<string, Tree>)[key];
        if (sub === undefined) fail(fn, `${names[i]} has no key '${path}/${key}'`);
        return sub;
      }),
      `${path}/${key}`,
      names,
    );
  }
  return out;
}

/** Zeros with the structure of `x`. */
export function zerosLike<T extends Tree>(x: T): T {
  return mapTree('zerosLike', ([a]) => new Float64Array(a.length), [x], '', ['x']) as T;
}

/** `s · x`. */
export function treeScale<T extends Tree>(x: T, s: number): T {
  if (typeof s !== 'number' || !Number.isFinite(s)) fail('treeScale', `s must be a finite number (got ${s === null ? 'null' : typeof s === 'number' ? s : typeof s})`);
  return mapTree('treeScale', ([a]) => {
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = s * a[i];
    return out;
  }, [x], '', ['x']) as T;
}

/** Elementwise sum of two trees of the same structure (dense). */
export function treeAdd<T extends Tree>(a: T, b: T): T {
  return mapTree('treeAdd', ([x, y]) => {
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i];
    return out;
  }, [a, b], '', ['a', 'b']) as T;
}

/** Σ aᵢ·bᵢ over all leaves. */
export function treeDot(a: Tree, b: Tree): number {
  let s = 0;
  mapTree('treeDot', ([x, y]) => {
    for (let i = 0; i < x.length; i++) s += x[i] * y[i];
    return x;
  }, [a, b], '', ['a', 'b']);
  return s;
}

/** The leaves of `x`, in a fixed order (depth first, record keys in insertion order). */
export function treeLeaves(x: Tree): Float64Array[] {
  return leavesOf('treeLeaves', x);
}

function leavesOf(fn: string, x: Tree): Float64Array[] {
  const out: Float64Array[] = [];
  mapTree(fn, ([a]) => {
    out.push(a);
    return a;
  }, [x], '', ['x']);
  return out;
}

/** Number of scalars in the tree. */
export function treeSize(x: Tree): number {
  return leavesOf('treeSize', x).reduce((n, l) => n + l.length, 0);
}

/**
 * Sum of two sparse cotangents; `undefined` is zero and a missing key is zero.
 * Shares (never mutates) a side when the other is zero.
 */
export function addCotangents(a: Cotangent, b: Cotangent): Cotangent {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) fail('addCotangents', 'a and b must be cotangent trees (or undefined)');
  if (isLeaf(a)) {
    if (!isLeaf(b)) fail('addCotangents', 'cannot add a leaf and a branch');
    const x = leafData(a);
    const y = leafData(b);
    if (x.length !== y.length) fail('addCotangents', `leaf sizes differ (${x.length} and ${y.length})`);
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i];
    return withData(a, out);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) fail('addCotangents', 'cannot add an array branch and a record branch');
    const n = Math.max(a.length, b.length);
    const out: Cotangent[] = [];
    for (let i = 0; i < n; i++) out.push(addCotangents(a[i], b[i]));
    return out;
  }
  if (isLeaf(b) || Array.isArray(b)) fail('addCotangents', 'cannot add a record branch and a leaf or array');
  const ra = a as Record<string, Cotangent>;
  const rb = b as Record<string, Cotangent>;
  const out: Record<string, Cotangent> = { ...ra };
  for (const key of Object.keys(rb)) out[key] = addCotangents(ra[key], rb[key]);
  return out;
}

/**
 * Make a sparse cotangent dense, with the structure of `like` (zeros where it is absent).
 */
export function densify<T extends Tree>(c: Cotangent, like: T, path = ''): T {
  if (typeof like !== 'object' || like === null) fail('densify', `like must be a tree of Float64Arrays (got ${like === null ? 'null' : typeof like} at '${path || '/'}')`);
  if (c === undefined) return mapTree('densify', ([a]) => new Float64Array(a.length), [like], path, ['like']) as T;
  if (isLeaf(like)) {
    if (!isLeaf(c)) fail('densify', `expected a leaf at '${path}'`);
    if (leafSize(c) !== leafSize(like)) fail('densify', `leaf '${path}' has size ${leafSize(c)}, expected ${leafSize(like)}`);
    return c as T;
  }
  if (Array.isArray(like)) {
    const arr = c as readonly Cotangent[];
    return like.map((l, i) => densify(arr[i], l, `${path}[${i}]`)) as unknown as T;
  }
  const rec = c as Record<string, Cotangent>;
  if (isLeaf(rec) || Array.isArray(rec)) fail('densify', `expected a record at '${path || '/'}'`);
  for (const key of Object.keys(rec)) {
    if (!(key in like) && rec[key] !== undefined) fail('densify', `the cotangent has '${path}/${key}', which the value it belongs to has not`);
  }
  const out: Record<string, Tree> = {};
  for (const key of Object.keys(like)) out[key] = densify(rec[key], (like as Record<string, Tree>)[key], `${path}/${key}`);
  return out as T;
}
