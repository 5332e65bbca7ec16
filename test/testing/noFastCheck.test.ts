/**
 * `ddsp/testing` on a machine without fast-check (its optional peer dependency): importing it
 * must say what to install, not fail with a bare ERR_MODULE_NOT_FOUND. A child Node process runs
 * with module hooks that hide fast-check (Node only: the hooks are Node's module.register).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const isNode = (globalThis as { Deno?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;

describe.runIf(isNode)('ddsp/testing without fast-check', () => {
  it('names the missing package and the install command', () => {
    const register = fileURLToPath(new URL('../fixtures/noFastCheck/register.mjs', import.meta.url));
    const entry = new URL('../../src/testing/index.ts', import.meta.url).href;
    const code = `import(${JSON.stringify(entry)}).then(() => console.log('loaded'), (e) => console.log('error: ' + e.message));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', register, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toContain('error: ddsp/testing needs the fast-check package, an optional peer dependency of ddsp: npm install --save-dev fast-check');
    // The same process without the hooks loads it.
    const ok = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(ok.stdout.trim()).toBe('loaded');
  });
});
