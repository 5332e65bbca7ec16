/** Reverse-mode evaluation of a scalar-valued Node. */
import { fail } from '../core/errors.ts';
import { densify, isLeaf, leafData, type Cotangent, type Params, type Tree } from '../core/tree.ts';
import type { Node } from './node.ts';

export interface ValueAndGrad<P extends Params> {
  /** The loss value. */
  value: number;
  /** ∂loss/∂params, dense, with the structure of params (zeros where unused). */
  grad: P;
  /** ∂loss/∂x, sparse (`undefined` where zero). */
  gradInput: Cotangent;
}

/**
 * Turn a Node whose output is a single value into a function returning the value and the
 * gradients: it runs `vjp`, then the pullback with ȳ = [1].
 * @example
 *   const vg = valueAndGrad(seq(param('w'), lift('mean', mean, meanVjp)));
 *   vg(undefined, { w: Float64Array.of(1, 3) }) // { value: 2, grad: { w: [0.5, 0.5] } }
 */
export function valueAndGrad(loss: Node): <P extends Params>(x: Tree | undefined, params: P) => ValueAndGrad<P> {
  if (typeof loss?.vjp !== 'function') fail('valueAndGrad', 'loss must be a Node');
  return <P extends Params>(x: Tree | undefined, params: P): ValueAndGrad<P> => {
    const [y, pullback] = loss.vjp(x as Tree, params);
    if (!isLeaf(y) || leafData(y).length !== 1) {
      const what = isLeaf(y) ? `${leafData(y).length} values` : 'a record or array';
      fail('valueAndGrad', `loss node '${loss.name}' must output a single value (got ${what})`);
    }
    const value = leafData(y)[0];
    const [gradInput, gp] = pullback(Float64Array.of(1));
    return { value, grad: densify(gp, params), gradInput };
  };
}
