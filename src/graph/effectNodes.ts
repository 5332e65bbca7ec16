/**
 * Effects as graph Nodes. `reverb(opts)` reads its impulse response from the parameter `ir`,
 * so `named('reverb', reverb())` trains `params.reverb.ir`, as DDSP's trainable Reverb.
 */
import { fail } from '../core/errors.ts';
import type { Tree } from '../core/tree.ts';
import { reverb as reverbOp, reverbVjp, type ReverbOptions } from '../effects/reverb.ts';
import type { Node } from './node.ts';

export function reverb(opts: ReverbOptions = {}): Node {
  const read = (p: Record<string, Tree>) => {
    const ir = p?.ir;
    if (!(ir instanceof Float64Array)) fail('reverb', "needs a parameter 'ir' (a Float64Array); scope it with named('reverb', reverb())");
    return ir;
  };
  return {
    name: 'reverb',
    forward: (x, p) => reverbOp(x as Float64Array, read(p as Record<string, Tree>), opts),
    vjp: (x, p) => {
      const ir = read(p as Record<string, Tree>);
      return [reverbOp(x as Float64Array, ir, opts), (g) => {
        if (g === undefined) return [undefined, undefined];
        const r = reverbVjp(g as Float64Array, x as Float64Array, ir, opts);
        return [r.audio, { ir: r.ir }];
      }];
    },
  };
}
