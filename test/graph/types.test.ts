/**
 * Typed graphs: where the structure is known, a graph's types carry through the combinators, so a
 * harmonic-plus-noise model's output is a Float64Array without a cast. Checked by the type-check
 * step (expectTypeOf) and at run time.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  chain, fanout, filteredNoise, frames, harmonic, lift, nodes, pick, seq, sum, valueAndGrad, vjp, type Cotangent, type Frames, type Node, type Tree,
} from '../../src/index.ts';

describe('typed graphs', () => {
  const nSamples = 640;
  const model = chain(
    fanout({
      harmonic: chain(pick('harmonic'), harmonic({ nSamples, sampleRate: 16000 })),
      noise: chain(pick('noise'), filteredNoise({ nSamples, windowSize: 0 })),
    }),
    sum(),
  );
  const inputs = {
    harmonic: { amplitudes: new Float64Array(10).fill(-1), harmonicDistribution: frames(new Float64Array(10 * 4), 10, 4), f0Hz: new Float64Array(10).fill(440) },
    noise: frames(new Float64Array(10 * 5).fill(-2), 10, 5),
  };
  it('a harmonic-plus-noise model gives a Float64Array, and takes a record with harmonic and noise', () => {
    expectTypeOf(model).toMatchTypeOf<Node<{ readonly harmonic: Tree } & { readonly noise: Tree }, Float64Array>>();
    const audio = model.forward(inputs, {});
    expectTypeOf(audio).toEqualTypeOf<Float64Array>();
    expect(audio).toBeInstanceOf(Float64Array);
    expect(audio.length).toBe(nSamples);
    const [y] = model.vjp(inputs, {});
    expectTypeOf(y).toEqualTypeOf<Float64Array>();
  });
  it("vjp gives the input's cotangent with the input's shape", () => {
    const [audio, pullback] = vjp(model, inputs, {});
    expectTypeOf(audio).toEqualTypeOf<Float64Array>();
    const [g] = pullback(new Float64Array(nSamples).fill(1e-3));
    expectTypeOf(g).toEqualTypeOf<{ readonly harmonic?: Cotangent; readonly noise?: Cotangent } | undefined>();
    expect(Object.keys(g ?? {}).sort()).toEqual(['harmonic', 'noise']);
    // One level down, the harmonic node's own inputs.
    const h = harmonic({ nSamples, sampleRate: 16000 });
    const [, back] = vjp(h, inputs.harmonic, {});
    const [gh] = back(new Float64Array(nSamples).fill(1e-3));
    expectTypeOf(gh).toEqualTypeOf<{ readonly amplitudes?: Float64Array | Frames | undefined; readonly harmonicDistribution?: Float64Array | Frames | undefined; readonly f0Hz?: Float64Array | Frames | undefined } | undefined>();
    expect(gh?.amplitudes).toBeInstanceOf(Float64Array);
    expect(() => vjp({} as never, inputs, {})).toThrow('vjp: node must be a Node (got object)');
  });
  it('valueAndGrad of a typed loss gives gradInput typed by its input', () => {
    const loss = seq(pick('a'), nodes.sumAll());
    const r = valueAndGrad(loss)({ a: Float64Array.of(1, 2) }, {});
    expectTypeOf(r.gradInput).toEqualTypeOf<{ readonly a?: Cotangent } | undefined>();
    expect(Array.from((r.gradInput?.a ?? new Float64Array(0)) as Float64Array)).toEqual([1, 1]);
    // An untyped loss keeps the plain Cotangent.
    const untyped: Node = lift('id', (x: Tree) => x, (g: Tree) => g);
    const ru = valueAndGrad(untyped)(Float64Array.of(3), {});
    expectTypeOf(ru.gradInput).toEqualTypeOf<Cotangent>();
  });
  it('untyped nodes still compose (the variadic form), as before', () => {
    const nodes: Node[] = [pick('harmonic'), harmonic({ nSamples, sampleRate: 16000 })];
    const g = seq(...nodes);
    expectTypeOf(g).toEqualTypeOf<Node>();
    expect(g.forward(inputs, {})).toBeInstanceOf(Float64Array);
  });
});
