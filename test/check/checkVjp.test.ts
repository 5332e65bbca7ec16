import { describe, it, expect } from 'vitest';
import { checkVjp, checkAdjoint, checkNodeVjp, seq, nodes, param, fanout, identity, type Node } from '../../src/index.ts';
import { softplus, softplusVjp, cumsum, reverseCumsum, cumsumVjp } from '../../src/core/index.ts';
import { randomArray, f64 } from '../helpers.ts';

describe('checkVjp', () => {
  const x = randomArray(256, 11, -3, 3);

  it('passes a correct VJP and reports the seed and tolerances', () => {
    const r = checkVjp(softplus, softplusVjp, x, { seed: 7 });
    expect(r.ok).toBe(true);
    expect(r.seed).toBe(7);
    expect(r.trials).toHaveLength(3);
    expect(r.worstRelError).toBeLessThan(1e-7);
    expect(r.message).toMatch(/^checkVjp: ok: worst relative error .* seed 7, eps 0.000001, rtol 0.00001, atol 1e-8$/);
  });

  it('catches a VJP that is off by a constant factor', () => {
    const wrong = (g: Float64Array, v: Float64Array) => softplusVjp(g, v).map((d) => 1.01 * d);
    const r = checkVjp(softplus, wrong, x);
    expect(r.ok).toBe(false);
    expect(r.worstRelError).toBeGreaterThan(10 * r.rtol);
    expect(r.message).toContain('FAILED');
  });

  it('catches a VJP that uses the wrong derivative (σ(−x) instead of σ(x))', () => {
    const wrong = (g: Float64Array, v: Float64Array) => softplusVjp(g, v.map((a) => -a));
    expect(checkVjp(softplus, wrong, x).ok).toBe(false);
  });

  it('catches an off-by-one in a linear op (exclusive instead of inclusive reverse cumsum)', () => {
    const wrong = (g: Float64Array) => {
      const r = reverseCumsum(g);
      return r.map((v, i) => v - g[i]);
    };
    expect(checkVjp(cumsum, wrong, x).ok).toBe(false);
    expect(checkVjp(cumsum, (g: Float64Array, v: Float64Array) => cumsumVjp(g, v), x).ok).toBe(true);
  });

  it('is reproducible: the same seed gives the same numbers', () => {
    const a = checkVjp(softplus, softplusVjp, x, { seed: 3 });
    const b = checkVjp(softplus, softplusVjp, x, { seed: 3 });
    expect(a.trials).toEqual(b.trials);
    expect(checkVjp(softplus, softplusVjp, x, { seed: 4 }).trials[0].lhs).not.toBe(a.trials[0].lhs);
  });

  it('validates its options', () => {
    expect(() => checkVjp(softplus, softplusVjp, x, { directions: 0 })).toThrow('checkVjp: opts.directions must be an integer in [1, 10000] (got 0)');
    expect(() => checkVjp(softplus, softplusVjp, x, { eps: -1 })).toThrow('checkVjp: opts.eps must be a positive finite number (got -1)');
  });
});

describe('checkNodeVjp', () => {
  it('checks a graph jointly in its input and its parameters', () => {
    const node = seq(fanout([identity(), param('w')]), nodes.mul(), nodes.softplus(), nodes.cumsum());
    const r = checkNodeVjp(node, randomArray(32, 1), { w: randomArray(32, 2) });
    expect(r.ok).toBe(true);
    expect(r.message).toContain('checkNodeVjp(seq(');
  });
  it('fails when a node drops its parameter gradient', () => {
    const broken = seq(fanout([identity(), param('w')]), nodes.mul());
    const leaky: Node = { ...broken, vjp: (x, p) => {
      const [y, pb] = broken.vjp(x, p);
      return [y, (g) => [pb(g)[0], undefined]];
    } };
    expect(checkNodeVjp(leaky, randomArray(8, 1), { w: randomArray(8, 2) }).ok).toBe(false);
  });
});

describe('checkAdjoint', () => {
  it('accepts an exact adjoint pair and rejects a near miss', () => {
    const x = new Float64Array(100);
    const good = checkAdjoint(cumsum, reverseCumsum, x);
    expect(good.ok).toBe(true);
    expect(good.worstRelError).toBeLessThan(1e-14);
    const bad = checkAdjoint(cumsum, (g: Float64Array) => reverseCumsum(g).map((v, i) => (i === 50 ? v * (1 + 1e-9) : v)), x);
    expect(bad.ok).toBe(false);
  });
  it('works on single samples', () => {
    expect(checkAdjoint(cumsum, reverseCumsum, f64(0)).ok).toBe(true);
  });
});

describe('checkVjp order 4', () => {
  it('the five-point stencil shrinks the truncation error on a strongly curved op', () => {
    const x = Float64Array.of(0.01, 0.02, 0.05);
    const log = (v: Float64Array) => v.map(Math.log);
    const logVjp = (g: Float64Array, v: Float64Array) => g.map((gi, i) => gi / v[i]);
    const two = checkVjp(log, logVjp, x, { eps: 1e-4 });
    const four = checkVjp(log, logVjp, x, { eps: 1e-4, order: 4 });
    expect(four.worstRelError).toBeLessThan(two.worstRelError / 100);
    expect(four.message).toContain('order 4');
    expect(() => checkVjp(log, logVjp, x, { order: 3 as never })).toThrow('checkVjp: opts.order must be 2 or 4 (got 3)');
  });
});
