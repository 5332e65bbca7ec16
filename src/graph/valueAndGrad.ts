/** Reverse-mode evaluation of a scalar-valued Node. */
import { fail } from '../core/errors.ts';
import { densify, isLeaf, leafData, type Cotangent, type Params, type Tree } from '../core/tree.ts';
import type { CotangentOf, Node } from './node.ts';

export interface ValueAndGrad<P extends Params, X = Tree> {
  /** The loss value. */
  value: number;
  /** ∂loss/∂params, dense, with the structure of params (zeros where unused). */
  grad: P;
  /** ∂loss/∂x, sparse (`undefined` where zero), shaped like the input where its type is known. */
  gradInput: CotangentOf<X>;
}

/**
 * Turn a Node whose output is a single value into a function returning the value and the
 * gradients: it runs `vjp`, then the pullback with ȳ = [1].
 * @example
 *   const vg = valueAndGrad(seq(param('w'), lift('mean', mean, meanVjp)));
 *   vg(undefined, { w: Float64Array.of(1, 3) }) // { value: 2, grad: { w: [0.5, 0.5] } }
 */
export function valueAndGrad<X extends Tree = Tree>(loss: Node<X, Tree>): <P extends Params>(x: X | undefined, params: P) => ValueAndGrad<P, X> {
  if (typeof loss?.vjp !== 'function') fail('valueAndGrad', 'loss must be a Node');
  return <P extends Params>(x: X | undefined, params: P): ValueAndGrad<P, X> => {
    const [y, pullback] = loss.vjp(x as X, params);
    if (!isLeaf(y) || leafData(y).length !== 1) {
      const what = isLeaf(y) ? `${leafData(y).length} values` : 'a record or array';
      fail('valueAndGrad', `loss node '${loss.name}' must output a single value (got ${what})`);
    }
    const value = leafData(y)[0];
    const [gradInput, gp] = pullback(Float64Array.of(1));
    return { value, grad: densify(gp, params), gradInput: gradInput as CotangentOf<X> };
  };
}

/**
 * A node's output and its pullback, typed: for a graph whose input type is known (a typed
 * harmonic-plus-noise model, say), the input's cotangent comes back with the input's shape —
 * `node.vjp` itself returns an untyped Cotangent.
 * @example
 *   const [audio, pullback] = vjp(model, inputs, {});     // audio: Float64Array
 *   const [gInputs] = pullback(gAudio);                    // gInputs?.harmonic, gInputs?.noise
 */
export function vjp<X extends Tree, Y extends Tree>(
  node: Node<X, Y>,
  x: X,
  params: Params = {},
): readonly [Y, (gy: CotangentOf<Y>) => readonly [gx: CotangentOf<X>, gp: Cotangent]] {
  if (typeof node?.vjp !== 'function') fail('vjp', `node must be a Node (got ${node === null ? 'null' : typeof node})`);
  if (typeof params !== 'object' || params === null || Array.isArray(params)) fail('vjp', `params must be a record of parameters, {} for none (got ${params === null ? 'null' : Array.isArray(params) ? 'an array' : typeof params})`);
  const [y, pullback] = node.vjp(x, params);
  return [y, (gy) => pullback(gy as Cotangent) as readonly [CotangentOf<X>, Cotangent]];
}
