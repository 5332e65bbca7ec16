/**
 * Typed graphs: where the structure is known, a graph's types carry through the combinators, so a
 * harmonic-plus-noise model's output is a Float64Array without a cast. Checked by the type-check
 * step (expectTypeOf) and at run time.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { chain, fanout, filteredNoise, frames, harmonic, pick, seq, sum, type Node, type Tree } from '../../src/index.ts';

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
  it('untyped nodes still compose (the variadic form), as before', () => {
    const nodes: Node[] = [pick('harmonic'), harmonic({ nSamples, sampleRate: 16000 })];
    const g = seq(...nodes);
    expectTypeOf(g).toEqualTypeOf<Node>();
    expect(g.forward(inputs, {})).toBeInstanceOf(Float64Array);
  });
});
