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
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

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

interface Block {
  line: number;
  code: string;
  setup: string;
  replaces: [string, string][];
  cwd: string | null;
  browser: boolean;
}

function parse(readme: string): Block[] {
  const lines = readme.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i]);
    // The annotation: an HTML comment ending on the line before the fence (blank lines allowed).
    let j = start - 1;
    while (j >= 0 && lines[j].trim() === '') j--;
    const block: Block = { line: start + 1, code: body.join('\n'), setup: '', replaces: [], cwd: null, browser: false };
    if (j >= 0 && lines[j].trim() === '-->') {
      let k = j - 1;
      while (k >= 0 && !lines[k].startsWith('<!-- readme-test')) k--;
      const setup: string[] = [];
      for (const l of lines.slice(k + 1, j)) {
        const rep = l.match(/^@replace "(.*)" "(.*)"$/);
        if (rep) block.replaces.push([rep[1], rep[2]]);
        else if (l.startsWith('@cwd ')) block.cwd = l.slice(5).trim();
        else if (l.trim() === '@browser') block.browser = true;
        else setup.push(l);
      }
      block.setup = setup.join('\n');
    }
    blocks.push(block);
  }
  return blocks;
}

/** The block as a module: imports first (ddsp → the sources), then the setup, then the block. */
function moduleOf(b: Block, forRun: boolean, dir: string): string {
  let code = b.code;
  if (forRun) {
    for (const [from, to] of b.replaces) {
      if (!code.includes(from)) throw new Error(`README.md:${b.line}: @replace text not in the block: ${from}`);
      code = code.replace(from, to);
    }
  }
  const src = (p: string) => JSON.stringify(relative(dir, join(root, p)));
  const all = `${b.setup}\n${code}`.split('\n');
  const isImport = (l: string) => /^import\s/.test(l);
  const imports = all.filter(isImport).map((l) => l
    .replace(/from 'ddsp'/, `from ${src('src/index.ts')}`)
    .replace(/from 'ddsp\/node'/, `from ${src('src/node/index.ts')}`)
    .replace(/from 'ddsp\/testing'/, `from ${src('src/testing/index.ts')}`));
  return `${imports.join('\n')}\n${all.filter((l) => !isImport(l)).join('\n')}\nexport {};\n`;
}

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
