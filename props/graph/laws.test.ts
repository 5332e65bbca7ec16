import { describe, it, expect } from 'vitest';
import { seq, fanout, identity, nodes, checkNodeVjp, param, named, type Node } from '../../src/index.ts';
import { addCotangents, densify, treeScale, type Tree } from '../../src/core/tree.ts';
import { fc, num, arrayOf } from '../helpers.ts';

// Shape-agnostic, smooth core ops that keep values in a moderate range.
const pool: (() => Node)[] = [
  () => nodes.softplus(),
  () => nodes.expSigmoid(),
  () => nodes.softLimit({ xMin: -1, xMax: 2 }),
  () => nodes.scale(0.5),
  () => nodes.cumsum(),
  () => nodes.reverseCumsum(),
  () => nodes.diff(),
  () => nodes.pad(1, 2),
  () => nodes.resample(17),
  () => nodes.upsampleWithWindows(40),
  () => seq(fanout([identity(), nodes.softplus()]), nodes.mul()),
  () => seq(fanout([identity(), nodes.expSigmoid()]), nodes.add()),
  () => nodes.dbToAmplitude(),
  () => seq(nodes.softplus(), nodes.safeLog()),
];
const pipeline = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: min, maxLength: max }).map((ix) => ix.map((i) => pool[i]()));

// Where a pipeline makes a shape its next op refuses (e.g. upsampling 40 samples to 40), skip it.
const applies = (n: Node, x: Tree) => {
  try {
    n.forward(x, {});
    return true;
  } catch {
    return false;
  }
};
const closeTrees = (a: Tree, b: Tree) => {
  const d = addCotangents(a, treeScale(b, -1));
  expect(Math.max(0, ...Array.from(densify(d, a) as Float64Array, Math.abs))).toBeLessThanOrEqual(1e-12);
};

describe('combinator laws', () => {
  it('seq is associative: seq(seq(f, g), h) ≡ seq(f, seq(g, h)) in value and cotangent', () => {
    fc.assert(fc.property(pipeline(3, 3), arrayOf(num(-1, 1), 8, 32), ([f, g, h], x) => {
      const left = seq(seq(f, g), h);
      const right = seq(f, seq(g, h));
      fc.pre(applies(left, x));
      const [yl, pl] = left.vjp(x, {});
      const [yr, pr] = right.vjp(x, {});
      closeTrees(yl, yr);
      const v = (yl as Float64Array).map((_, i) => Math.cos(i));
      closeTrees(densify(pl(v)[0], x), densify(pr(v)[0], x));
    }));
  });

  it('fanout of a node with itself doubles its cotangent', () => {
    fc.assert(fc.property(pipeline(1, 3), arrayOf(num(-1, 1), 8, 32), (ops, x) => {
      const n = seq(...ops);
      fc.pre(applies(n, x));
      const [y, pb] = n.vjp(x, {});
      const [, pb2] = fanout([n, n]).vjp(x, {});
      const v = (y as Float64Array).map((_, i) => Math.sin(i + 1));
      const once = densify(pb(v)[0], x);
      closeTrees(densify(pb2([v, v])[0], x), treeScale(once, 2));
    }));
  });

  it('checkVjp passes on random pipelines of core ops, in the input and in parameters', () => {
    fc.assert(fc.property(pipeline(1, 5), arrayOf(num(-1, 1), 8, 32), (ops, x) => {
      const n = seq(...ops);
      fc.pre(applies(n, x));
      const r = checkNodeVjp(n, x, {});
      if (!r.ok) throw new Error(r.message);
      // The same pipeline fed from a named trainable parameter.
      const trained = seq(named('net', param('w')), n);
      const rp = checkNodeVjp(trained, undefined, { net: { w: x } });
      if (!rp.ok) throw new Error(rp.message);
    }), { numRuns: 200 });
  });
});
