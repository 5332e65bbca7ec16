/**
 * Bad-input fuzz over every exported function (harness.ts, templates.ts): each function's valid
 * call must succeed with finite output, and each mutated call must either be accepted with finite
 * output (where the mutation can be valid) or rejected by a DdspError that names the function the
 * user called and the argument; never another error, a hang, or a changed input.
 * FUZZ_SEED=<n> varies the random contents of the valid arguments.
 */
import { describe, expect, it } from 'vitest';
import * as ddsp from '../../src/index.ts';
import * as testingApi from '../../src/testing/index.ts';
import * as nodeApi from '../../src/node/index.ts';
import * as gpuApi from '../../src/gpu/index.ts';
import { runTemplate, runTiny, type CaseResult } from './harness.ts';
import { exportAt, templates } from './templates.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20261126);

/** Every function reachable from the package's entry points, as `ns.name` paths (nodes.* and testing.* included). */
function exportedFunctions(): string[] {
  const out: string[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (typeof v === 'function') out.push(path);
      else if (depth < 2 && typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v)) walk(v as Record<string, unknown>, path, depth + 1);
    }
  };
  walk(ddsp as unknown as Record<string, unknown>, '', 0);
  walk(testingApi as unknown as Record<string, unknown>, 'testing', 1); // the `ddsp/testing` subpath
  walk(nodeApi as unknown as Record<string, unknown>, 'node', 1); // the `ddsp/node` subpath
  walk(gpuApi as unknown as Record<string, unknown>, 'gpu', 1); // the `ddsp/gpu` subpath
  return out.sort();
}

describe('bad-input fuzz over every export', () => {
  it('has a template for every exported function (a new export needs one)', () => {
    const missing = exportedFunctions().filter((p) => templates[p] === undefined);
    expect(missing, `exports without a fuzz template in props/fuzz/templates.ts: ${missing.join(', ')}`).toEqual([]);
    const stale = Object.keys(templates).filter((p) => typeof exportAt(p) !== 'function');
    expect(stale, `templates for paths that are not exported: ${stale.join(', ')}`).toEqual([]);
  });

  it('only accepts finitely or rejects with a DdspError naming the function and argument (≥ 10,000 cases)', async () => {
    const results: CaseResult[] = [];
    const t0 = performance.now();
    for (const path of exportedFunctions()) {
      const t = templates[path];
      if (t === undefined || t.skip) continue;
      const name = path.split('.').pop()!;
      results.push(...(await runTemplate(exportAt(path), t, name, seed)));
    }
    const secs = (performance.now() - t0) / 1000;
    const tally: Record<string, number> = {};
    for (const r of results) tally[r.outcome] = (tally[r.outcome] ?? 0) + 1;
    const failures = results.filter((r) => r.outcome === 'failure');
    const skipped = Object.values(templates).filter((t) => t.skip).length;
    console.log(
      `fuzz (${process.env.DDSP_RUNTIME ?? 'node'}): ${results.length} cases in ${secs.toFixed(1)} s: ` +
        Object.entries(tally).map(([k, v]) => `${v} ${k}`).join(', ') + `; ${skipped} helpers exempt`,
    );
    const report = failures.slice(0, 60).map((f) => `  ${f.fn} [${f.label}]: ${f.detail}`).join('\n');
    expect(failures.length, `${failures.length} failures, first ones:\n${report}`).toBe(0);
    expect(results.length).toBeGreaterThanOrEqual(10_000);
  }, 120_000);

  it('stays finite (or rejects) when an array argument is scaled to 1e-155, 1e-160 or 1e-310', async () => {
    const results: CaseResult[] = [];
    for (const path of exportedFunctions()) {
      const t = templates[path];
      if (t === undefined || t.skip) continue;
      results.push(...(await runTiny(exportAt(path), t, path.split('.').pop()!, seed)));
    }
    const failures = results.filter((r) => r.outcome === 'failure');
    const report = failures.slice(0, 40).map((f) => `  ${f.fn} [${f.label}]: ${f.detail}`).join('\n');
    expect(failures.length, `${failures.length} failures, first ones:\n${report}`).toBe(0);
    expect(results.length).toBeGreaterThan(500);
  }, 120_000);
});
