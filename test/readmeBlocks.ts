/**
 * README.md's TypeScript blocks and their annotations (see test/readme.test.ts): parsed, and turned
 * into modules with `ddsp`, `ddsp/node`, `ddsp/testing` and `ddsp/gpu` resolved to the sources.
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Block {
  line: number;
  code: string;
  setup: string;
  replaces: [string, string][];
  cwd: string | null;
  browser: boolean;
}

export function parse(readme: string): Block[] {
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
export function moduleOf(b: Block, forRun: boolean, dir: string): string {
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
    .replace(/from 'ddsp\/testing'/, `from ${src('src/testing/index.ts')}`)
    .replace(/from 'ddsp\/gpu'/, `from ${src('src/gpu/index.ts')}`));
  return `${imports.join('\n')}\n${all.filter((l) => !isImport(l)).join('\n')}\nexport {};\n`;
}

