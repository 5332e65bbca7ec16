/**
 * `npm run docs` builds the API reference from the doc comments (typedoc, in tools/docs with its
 * own TypeScript 6: typedoc needs that compiler API, the package builds with TypeScript 7). This
 * runs typedoc into a temporary folder and checks that every entry point's functions have pages.
 * Node only; skipped when tools/docs has no node_modules, except under CI=true (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const isNode = (globalThis as { Deno?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;
const docs = fileURLToPath(new URL('../tools/docs/', import.meta.url));
const typedoc = join(docs, 'node_modules/typedoc/bin/typedoc');
const installed = existsSync(typedoc);

describe.runIf(isNode && (installed || process.env.CI === 'true'))('API reference (typedoc)', () => {
  it('builds, with pages for the main entry, ddsp/node, ddsp/testing and ddsp/worklet', () => {
    expect(installed, 'tools/docs/node_modules is missing: run npm ci in tools/docs (bash .ci/run does)').toBe(true);
    const out = mkdtempSync(join(tmpdir(), 'ddsp-docs-'));
    try {
      const r = spawnSync(process.execPath, [typedoc, '--options', 'typedoc.json', '--out', out], { cwd: docs, encoding: 'utf8', timeout: 240_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toContain('[error]');
      const fns = readdirSync(join(out, 'functions'));
      for (const f of ['index.synths.harmonicSynth.html', 'index.losses.spectralLossValueAndGrad.html', 'node.lossPool.html', 'testing.signal.html', 'index.train.fitAsync.html']) expect(fns, f).toContain(f);
      const page = readFileSync(join(out, 'functions', 'index.losses.spectralLossValueAndGrad.html'), 'utf8');
      expect(page).toContain('in one pass');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
