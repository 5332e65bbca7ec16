/**
 * W1 (issue 14): the output stage of a DDSP training step — harmonic synth + filtered noise +
 * six-scale spectral loss, 4 s at 16 kHz — ours against PyTorch on the same machine in one run.
 *
 *   npm run bench -- w1                 (or: node --import tsx bench/w1.ts)
 *
 * Ours three ways: `composed` (the loss built from elementwise ops, the only way before the fused
 * loss), `fused` (one spectralLossValueAndGrad call, one thread) and `fused, 2 threads` (its scales
 * shared with a lossPool helper). PyTorch runs bench/w1_torch.py in float32 with 1 and 2 threads
 * (its best per row is the baseline) and float64; W1_PYTHON names the interpreter (default
 * /usr/bin/python3, Debian's python3-torch). Memory — peak RSS of a process running (b), typed
 * arrays allocated per (b) call — is measured in a fresh child process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as w1 from './w1Case.ts';
import { lossPool } from '../src/node/index.ts';

/** The arithmetic of (b), from the issue: ≈ 244 MFLOP. */
const FLOOR_MFLOP_B = 244;
const here = fileURLToPath(new URL('.', import.meta.url));

interface Variant {
  name: string;
  run: () => unknown;
}

/** Medians of variants timed round-robin (after a warm-up) until each has `minMs` of samples. */
function interleaved(variants: Variant[], minMs: number): number[] {
  for (const v of variants) for (let i = 0; i < 3; i++) v.run();
  const times: number[][] = variants.map(() => []);
  const spent = variants.map(() => 0);
  while (times[0].length < 7 || spent.some((s) => s < minMs)) {
    variants.forEach((v, k) => {
      const t0 = performance.now();
      v.run();
      const dt = performance.now() - t0;
      times[k].push(dt);
      spent[k] += dt;
    });
    if (times[0].length >= 200) break;
  }
  return times.map((ts) => ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]);
}

interface TorchRun {
  torch: string;
  dtype: string;
  threads: number;
  ms: Record<'a' | 'b' | 'c' | 'noise' | 'loss', number>;
  check: { loss: number };
}

function torch(args: string[]): TorchRun | null {
  const py = process.env.W1_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const r = spawnSync(py, [`${here}w1_torch.py`, ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) {
    console.log(`(PyTorch run ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchRun;
}

/** In a child process: peak RSS while running (b) ten times, and typed arrays allocated by one call. */
function memoryChild(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const x = w1.w1Inputs();
  const pool = process.argv.includes('--pool') ? lossPool({ threads: 2 }) : undefined;
  w1.fusedGrad(x, pool);
  gc();
  gc();
  const before = process.memoryUsage().arrayBuffers;
  w1.fusedGrad(x, pool);
  const allocated = process.memoryUsage().arrayBuffers - before;
  for (let i = 0; i < 10; i++) w1.fusedGrad(x, pool);
  console.log(JSON.stringify({ allocatedBytes: allocated, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  void pool?.close().then(() => process.exit(0));
}

type Memory = { allocatedBytes: number; maxRssBytes: number };

function child(args: string[]): Memory | null {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    console.log(`(memory child failed: ${r.stderr.trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Memory;
}

/**
 * Memory of (b) in fresh processes, two ways: as users run the library — compiled JavaScript, here
 * this file and the pool's thread entry bundled by esbuild — and from the TypeScript sources under
 * tsx, whose loader (in the main thread and again in each helper) adds its own memory.
 */
async function memory(): Promise<Record<string, Memory | null>> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'ddsp-w1-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    await build({
      entryPoints: { w1: fileURLToPath(import.meta.url), lossPoolEntry: fileURLToPath(new URL('../src/losses/lossPoolEntry.ts', import.meta.url)) },
      bundle: true, platform: 'node', format: 'esm', outdir: dir, logLevel: 'error',
      // esbuild's ESM output for CommonJS dependencies (fft.js, ndarray) needs a require.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const compiled = join(dir, 'w1.js');
    const ts = ['--import', 'tsx', fileURLToPath(import.meta.url)];
    return {
      'compiled, 1 thread': child(['--expose-gc', compiled, '--memory-child']),
      'compiled, 2 threads': child(['--expose-gc', compiled, '--memory-child', '--pool']),
      'TS sources under tsx, 1 thread': child(['--expose-gc', ...ts, '--memory-child']),
      'TS sources under tsx, 2 threads': child(['--expose-gc', ...ts, '--memory-child', '--pool']),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchW1(): Promise<void> {
  const minMs = Number(process.env.BENCH_MS ?? 1500);
  const x = w1.w1Inputs();
  const pool = lossPool({ threads: 2 });
  const fixed = (() => {
    const h = w1.synthOnly(x);
    const n = w1.noiseOnly(x);
    return h.map((v, i) => v + n[i]);
  })();
  console.log('\n### W1: synth + noise + six-scale spectral loss, 4 s at 16 kHz, float64\n');
  const check = w1.fusedForward(x);
  console.log(`check: loss ${check.toFixed(6)} (issue: 35.712999)`);

  const [aC, aF, aP] = interleaved([
    { name: 'composed', run: () => w1.composedForward(x) },
    { name: 'fused', run: () => w1.fusedForward(x) },
    { name: 'pool', run: () => w1.fusedForward(x, pool) },
  ], minMs);
  const [bC, bF, bP] = interleaved([
    { name: 'composed', run: () => w1.composedGrad(x) },
    { name: 'fused', run: () => w1.fusedGrad(x) },
    { name: 'pool', run: () => w1.fusedGrad(x, pool) },
  ], minMs);
  const [lC, lF, lP] = interleaved([
    { name: 'composed', run: () => w1.composedLoss(x.target, fixed) },
    { name: 'fused', run: () => w1.fusedLoss(x.target, fixed) },
    { name: 'pool', run: () => w1.fusedLoss(x.target, fixed, pool) },
  ], minMs);
  const [c, nz] = interleaved([
    { name: 'synth', run: () => w1.synthOnly(x) },
    { name: 'noise', run: () => w1.noiseOnly(x) },
  ], minMs);
  await pool.close();

  const t1 = torch(['--threads', '1', '--ms', String(minMs)]);
  const t2 = torch(['--threads', '2', '--ms', String(minMs)]);
  const t64 = torch(['--threads', '2', '--dtype', 'float64', '--ms', String(minMs)]);
  const best = (k: keyof TorchRun['ms']) => Math.min(t1?.ms[k] ?? Infinity, t2?.ms[k] ?? Infinity);
  const bestThreads = (k: keyof TorchRun['ms']) => ((t1?.ms[k] ?? Infinity) <= (t2?.ms[k] ?? Infinity) ? 1 : 2);
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
  const ratio = (ours: number, base: number) => (Number.isFinite(base) ? `${(ours / base).toFixed(2)}×` : '—');

  console.log(`\nPyTorch ${t2?.torch ?? t1?.torch ?? 'not available'}; ratios are our time / PyTorch float32's best (≤ 1 means ours is faster)\n`);
  console.log('| W1 measure (median ms) | ours, 2 threads | ours, 1 thread | ours before (composed, 1 thread) | PyTorch float32, best | ratio 2 threads | ratio 1 thread | PyTorch float64, 2 threads |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const row = (name: string, p: number | null, one: number, before: number | null, k: keyof TorchRun['ms']) => {
    const base = best(k);
    const threads = Number.isFinite(base) ? ` (${bestThreads(k)} thr)` : '';
    console.log(`| ${name} | ${p === null ? '—' : f(p)} | ${f(one)} | ${before === null ? '—' : f(before)} | ${f(base)}${threads} | ${p === null ? '—' : ratio(p, base)} | ${ratio(one, base)} | ${f(t64?.ms[k] ?? NaN)} |`);
  };
  row('(a) synth + noise + loss, forward', aP, aF, aC, 'a');
  row('**(b) forward + gradients**', bP, bF, bC, 'b');
  row('(c) harmonic synth forward', null, c, null, 'c');
  row('noise filter forward', null, nz, null, 'noise');
  row('loss forward of a fixed audio', lP, lF, lC, 'loss');
  console.log(`\n(b): ${(bC / bF).toFixed(2)}× faster than before on one thread, ${(bC / bP).toFixed(2)}× with two; ` +
    `${(FLOOR_MFLOP_B / bF).toFixed(2)} GFLOP/s on one thread against the ≈ ${FLOOR_MFLOP_B} MFLOP floor (${(FLOOR_MFLOP_B / bP).toFixed(2)} with two)`);
  if (t2) console.log(`PyTorch float32 loss ${t2.check.loss.toFixed(6)}, float64 ${t64?.check.loss.toFixed(9) ?? '—'} (ours ${check.toFixed(9)})`);

  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const mb = (b: number) => (b / 1e6).toFixed(1);
  console.log('\n| memory of (b), fresh process running it 12 times | peak RSS (MiB) | typed arrays allocated per call (MB) |');
  console.log('|---|---:|---:|');
  for (const [name, m] of Object.entries(await memory())) console.log(`| ${name} | ${m ? mib(m.maxRssBytes) : '—'} | ${m ? mb(m.allocatedBytes) : '—'} |`);
}

if (process.argv.includes('--memory-child')) memoryChild();
else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchW1();
