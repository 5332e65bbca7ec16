import { describe, it, expect } from 'vitest';
import {
  seq, chain, fanout, par, sum, pick, named, batch, stopGradient, param, identity, lift, primitive,
  valueAndGrad, nodes, frames,
} from '../../src/index.ts';
import { mean, meanVjp, mul, mulVjp, sumAll, sumAllVjp } from '../../src/core/index.ts';
import { f64 } from '../helpers.ts';

const square = lift('square', (x: Float64Array) => mul(x, x), (g: Float64Array, x: Float64Array) => mulVjp(g, x, x)[0].map((v) => 2 * v));
const total = lift('sumAll', sumAll, (g: Float64Array, x: Float64Array) => sumAllVjp(g, x));

describe('seq / chain', () => {
  it('composes forward in order and pulls back in reverse', () => {
    const f = seq(nodes.scale(3), square, total); // Σ (3x)²
    const vg = valueAndGrad(seq(param('w'), nodes.scale(3), square, total));
    const r = vg(undefined, { w: f64(1, 2) });
    expect(f.forward(f64(1, 2), {})).toEqual(f64(45));
    expect(r.value).toBe(45);
    expect(Array.from(r.grad.w as Float64Array)).toEqual([18, 36]); // 18·w
    expect(chain(param('w'), nodes.scale(3), square, total).forward(undefined as never, { w: f64(1, 2) })).toEqual(f64(45)); // chain ≡ seq
  });
  it('rejects things that are not nodes', () => {
    expect(() => seq(square, {} as never)).toThrow('seq: argument 1 is not a Node');
  });
});

describe('fanout and sum', () => {
  it('fanout feeds one input to every branch and adds the cotangents back', () => {
    const g = seq(fanout({ a: nodes.scale(2), b: nodes.scale(5) }), sum(), total);
    const vg = valueAndGrad(seq(param('x'), g));
    const r = vg(undefined, { x: f64(1, 1, 1) });
    expect(r.value).toBe(21);
    expect(Array.from(r.grad.x as Float64Array)).toEqual([7, 7, 7]);
  });
  it('array fanout gives a pair for binary ops', () => {
    const prod = seq(fanout([identity(), nodes.scale(2)]), nodes.mul(), total); // Σ 2x²
    const r = valueAndGrad(seq(param('x'), prod))(undefined, { x: f64(1, 3) });
    expect(r.value).toBe(20);
    expect(Array.from(r.grad.x as Float64Array)).toEqual([4, 12]);
  });
  it('sum refuses mismatched parts', () => {
    expect(() => sum().forward({ a: f64(1), b: f64(1, 2) }, {})).toThrow("sum: part 'b' has 2 values, part 'a' has 1");
  });
});

describe('par and pick', () => {
  it('par applies node k to part k; pick selects (nested) parts', () => {
    const x = { f0: f64(440), amp: { db: f64(-20) } };
    const y = par({ f0: nodes.hzToMidi(), amp: pick('db') }).forward(x, {}) as { f0: Float64Array; amp: Float64Array };
    expect(y.f0[0]).toBeCloseTo(69, 12);
    expect(y.amp[0]).toBe(-20);
    expect(() => pick('amp/gain').forward(x, {})).toThrow("pick: input has no path 'amp/gain' (missing 'gain')");
  });
  it('pick sends its cotangent only to the picked path', () => {
    const node = seq(pick('a/b'), total);
    const [, pb] = node.vjp({ a: { b: f64(1, 2), c: f64(3) }, d: f64(4) }, {});
    const [gx] = pb(f64(1));
    expect(gx).toEqual({ a: { b: f64(1, 1) } });
  });
});

describe('named', () => {
  it('scopes parameters and their gradients under a key', () => {
    const gain = named('amp', seq(fanout([identity(), param('g')]), nodes.mul()));
    const loss = seq(gain, total);
    const r = valueAndGrad(loss)(f64(1, 2), { amp: { g: f64(3, 4) }, unused: f64(9) });
    expect(r.value).toBe(11);
    expect(r.grad).toEqual({ amp: { g: f64(1, 2) }, unused: f64(0) });
    expect(r.gradInput).toEqual(f64(3, 4));
  });
  it('a missing parameter is named with the ones available', () => {
    expect(() => named('amp', param('g')).forward(undefined as never, { amp: { h: f64(1) } })).toThrow(
      "param: no parameter 'g' (available: h)",
    );
  });
});

describe('batch', () => {
  it('maps over examples with shared parameters and sums their gradients', () => {
    const perExample = seq(fanout([identity(), param('w')]), nodes.mul(), total);
    const loss = seq(batch(perExample), sum(), total);
    const r = valueAndGrad(loss)([f64(1, 2), f64(3, 4)], { w: f64(10, 100) });
    expect(r.value).toBe(640);
    expect(Array.from(r.grad.w as Float64Array)).toEqual([4, 6]);
  });
});

describe('stopGradient', () => {
  it('passes the value and blocks the cotangent', () => {
    const loss = seq(param('x'), fanout([identity(), stopGradient()]), nodes.mul(), total); // Σ x·sg(x)
    const r = valueAndGrad(loss)(undefined, { x: f64(2, 3) });
    expect(r.value).toBe(13);
    expect(Array.from(r.grad.x as Float64Array)).toEqual([2, 3]);
  });
});

describe('valueAndGrad', () => {
  it('requires a single-valued loss', () => {
    expect(() => valueAndGrad(nodes.scale(2))(f64(1, 2), {})).toThrow("valueAndGrad: loss node 'scale' must output a single value (got 2 values)");
  });
  it('works on frames through primitive nodes', () => {
    const m = primitive({ name: 'mean', forward: (x: never) => mean(x), vjp: (x: never) => [mean(x), (g: Float64Array) => meanVjp(g, x)] });
    const r = valueAndGrad(seq(param('c'), nodes.expSigmoid(), m as never))(undefined, { c: frames(new Float64Array(4), 2, 2) });
    expect(r.value).toBeCloseTo(0.4054, 4);
    expect((r.grad.c as ReturnType<typeof frames>).shape).toEqual([2, 2]);
  });
});
