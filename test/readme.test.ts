/**
 * Every TypeScript block in README.md is type-checked (strict, as users' projects are) and run.
 * A block may be preceded by an HTML comment that the rendered README hides:
 *   <!-- readme-test
 *   @cwd src/demo/configs              (run in this folder; default: a fresh temporary one)
 *   @replace "steps: 1200" "steps: 2"  (run a shorter version; the text must occur in the block)
 *   @browser                           (type-check against the DOM; runs in the browser test instead)
 *   ...TypeScript setup: the inputs the block takes as given
 *   -->
 * `ddsp`, `ddsp/node` and `ddsp/testing` resolve to the sources. Node only (tsc and tsx).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { moduleOf, parse } from './readmeBlocks.ts';

const isNode = (globalThis as { Deno?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;
const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, '.readme-check');
/** tsx's loader by path (a run in a temporary folder cannot resolve the bare name): tsx's package.json export '.'. */
const tsxLoader = (() => {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules/tsx/package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const dot = pkg.exports['.'];
  const rel = typeof dot === 'string' ? dot : ((dot as { import?: string | { default: string } }).import as { default?: string })?.default ?? (dot as { import: string }).import;
  return pathToFileURL(join(root, 'node_modules/tsx', rel as string)).href;
})();

describe.runIf(isNode)('README.md code blocks', () => {
  const blocks = parse(readFileSync(join(root, 'README.md'), 'utf8'));
  it('finds the TypeScript blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });
  it('type-checks every block (strict)', () => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, 'dom'), { recursive: true });
    for (const b of blocks) {
      const dir = b.browser ? join(work, 'dom') : work;
      writeFileSync(join(dir, `block-${b.line}.ts`), moduleOf(b, false, dir));
    }
    const base = { extends: '../tsconfig.json', compilerOptions: { noEmit: true, types: ['node'] } };
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ ...base, include: ['*.ts'] }));
    writeFileSync(join(work, 'dom', 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, lib: ['es2022', 'dom'], types: [] }, include: ['*.ts'] }));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    for (const dir of [work, join(work, 'dom')]) {
      const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', timeout: 300_000 });
      expect(r.status, `${r.stdout}${r.stderr}`.replace(/block-(\d+)\.ts/g, 'README.md block at line $1')).toBe(0);
    }
  }, 300_000);
  for (const b of blocks) {
    it.skipIf(b.browser)(`runs the block at line ${b.line}`, () => {
      const file = join(work, `run-${b.line}.ts`);
      mkdirSync(work, { recursive: true });
      writeFileSync(file, moduleOf(b, true, work));
      const cwd = b.cwd ? join(root, b.cwd) : mkdtempSync(join(tmpdir(), 'ddsp-readme-'));
      try {
        const r = spawnSync(process.execPath, ['--import', tsxLoader, file], { encoding: 'utf8', timeout: 240_000, cwd, env: { ...process.env, NODE_OPTIONS: '' } });
        expect(r.status, `README.md block at line ${b.line} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
      } finally {
        if (!b.cwd) rmSync(cwd, { recursive: true, force: true });
      }
    }, 240_000);
  }
});
