/**
 * Node factories validate their options when the node is built, and every error a node raises
 * later (forward, VJP or pullback) carries the factory's name, whatever inner op found it.
 */
import { fail, readOptions, within } from '../core/errors.ts';
import type { Node } from './node.ts';

/** `node` with its errors re-raised under the name `fn` (see {@link within}). */
export function guardNode(fn: string, node: Node): Node {
  return {
    name: node.name,
    forward: (x, p) => within(fn, () => node.forward(x, p)),
    vjp: (x, p) => {
      const [y, back] = within(fn, () => node.vjp(x, p));
      return [y, (gy) => within(fn, () => back(gy))];
    },
  };
}

/**
 * Check a factory's options against all the keys it accepts and split them: returns, for each
 * group of keys, the options of that group that are set (undefined values dropped).
 */
export function splitOptions<T extends object>(fn: string, opts: T | undefined, groups: readonly (readonly string[])[]): Record<string, unknown>[] {
  const all = [...new Set(groups.flat())];
  const o = readOptions(fn, opts, all) as Record<string, unknown>;
  return groups.map((keys) => {
    const sub: Record<string, unknown> = {};
    for (const k of keys) if (o[k] !== undefined) sub[k] = o[k];
    return sub;
  });
}

/** A required parameter of a node, named in the error if absent. */
export function requireParam(fn: string, p: unknown, key: string): unknown {
  const v = (p as Record<string, unknown> | undefined)?.[key];
  if (v === undefined) fail(fn, `needs a parameter '${key}' (scope it with named(...))`);
  return v;
}
