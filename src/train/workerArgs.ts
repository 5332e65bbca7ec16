/**
 * Runtime arguments for worker threads: this process's module-loading flags (--import, --require,
 * --loader, --conditions and their values) — per-process flags such as --single-threaded-gc apply
 * to the workers already and Node refuses them there — plus, when the worker's entry is a
 * TypeScript source on Node and no tsx hook is among them, `--import tsx` (under a test runner the
 * parent's own loader is not a flag the workers can inherit).
 */
export function workerExecArgv(entry: URL | string, argv: readonly string[] = process.execArgv): string[] {
  const withValue = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (withValue.has(a) && i + 1 < argv.length) out.push(a, argv[++i]);
    else if ([...withValue].some((f) => f.startsWith('--') && a.startsWith(`${f}=`))) out.push(a);
  }
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const path = typeof entry === 'string' ? entry : entry.pathname;
  if (path.endsWith('.ts') && g.Deno === undefined && g.Bun === undefined && !out.some((a) => a.includes('tsx'))) out.push('--import', 'tsx');
  return out;
}
