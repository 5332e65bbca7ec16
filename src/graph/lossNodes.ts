/**
 * Losses as graph Nodes. Each takes a pair `[target, value]` (e.g. `fanout([stopGradient(...), model])`)
 * and outputs one value; the target is treated as data (no cotangent flows to it).
 */
import type { Signal } from '../core/frames.ts';
import type { Tree } from '../core/tree.ts';
import { fail, readOptions } from '../core/errors.ts';
import { guardNode } from './guard.ts';
import { meanDifference, meanDifferenceVjp, type MeanDifferenceOptions } from '../losses/meanDifference.ts';
import { SPECTRAL_LOSS_KEYS, spectralLoss, spectralLossValueAndGrad, type SpectralLossOptions } from '../losses/spectralLoss.ts';
import { primitive, type Node } from './node.ts';

function pair(fn: string, x: Tree): [Signal, Signal] {
  if (!Array.isArray(x) || x.length !== 2) fail(fn, 'input must be a pair [target, value]');
  return [x[0] as Signal, x[1] as Signal];
}

/** meanDifference(target, value) as a Node. */
export function meanDifferenceLoss(opts: MeanDifferenceOptions = {}): Node {
  readOptions('meanDifferenceLoss', opts, ['lossType', 'weights']);
  return guardNode('meanDifferenceLoss', primitive({
    name: 'meanDifferenceLoss',
    forward: (x: Tree) => meanDifference(...pair('meanDifferenceLoss', x), opts),
    vjp: (x: Tree) => {
      const [t, v] = pair('meanDifferenceLoss', x);
      return [meanDifference(t, v, opts), (g: Tree) => [undefined, meanDifferenceVjp(g as Float64Array, t, v, opts).value]];
    },
  }));
}

/** The multi-scale spectral loss as a Node (target features are recomputed per call). */
export function spectralLossNode(opts: SpectralLossOptions = {}): Node {
  readOptions('spectralLossNode', opts, SPECTRAL_LOSS_KEYS);
  return guardNode('spectralLossNode', primitive({
    name: 'spectralLoss',
    forward: (x: Tree) => {
      const [t, v] = pair('spectralLoss', x);
      return spectralLoss(t as Float64Array, v as Float64Array, opts);
    },
    vjp: (x: Tree) => {
      const [t, v] = pair('spectralLoss', x);
      const r = spectralLossValueAndGrad(t as Float64Array, v as Float64Array, opts);
      return [Float64Array.of(r.value), (g: Tree) => [undefined, r.grad.map((d) => d * (g as Float64Array)[0])]];
    },
  }));
}
