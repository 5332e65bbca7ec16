// The suites run on Node, Deno and Bun (.ci/test.mjs sets DDSP_RUNTIME); this proves which one
// actually ran them, and that the public entry points load there unchanged.
import { describe, it, expect } from 'vitest';
import * as ddsp from '../src/index.ts';
import * as testing from '../src/testing/index.ts';

function runtime(): string {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) return 'deno';
  if (g.Bun !== undefined) return 'bun';
  return 'node';
}

describe('runtime', () => {
  it('is the runtime the runner asked for', () => {
    const expected = process.env.DDSP_RUNTIME;
    if (expected) expect(runtime()).toBe(expected);
    else expect(['node', 'deno', 'bun']).toContain(runtime());
  });
  it('loads the public entry and the testing subpath', () => {
    expect(typeof ddsp.seq).toBe('function');
    expect(typeof ddsp.core.expSigmoid).toBe('function');
    expect(typeof ddsp.train.adam).toBe('function');
    expect(typeof testing.signal).toBe('function');
    expect(testing.checkVjp).toBe(ddsp.checkVjp);
  });
  it('gives bit-identical seeded numbers and math on every runtime', () => {
    const r = ddsp.rng(12345);
    const u = [r.uniform(), r.uniform(), r.normal()];
    // mulberry32 is integer arithmetic, so these exact values hold everywhere.
    expect(u.slice(0, 2)).toEqual([0.9797282677609473, 0.3067522644996643]);
    expect(ddsp.core.expSigmoid(Float64Array.of(0))[0]).toBeCloseTo(0.4054, 4);
  });
});
