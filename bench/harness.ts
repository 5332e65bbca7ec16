/**
 * A tiny benchmark harness: each case times ours and a baseline in the same process,
 * alternating, and reports medians and the ratio (baseline / ours: > 1 means ours is faster).
 */
export interface Case {
  name: string;
  ours: () => unknown;
  baseline: () => unknown;
  baselineName: string;
}

export interface Row {
  name: string;
  baselineName: string;
  oursMs: number;
  baselineMs: number;
  speedup: number;
}

let sink = 0;
function consume(v: unknown): void {
  if (v instanceof Float64Array) sink += v[0] ?? 0;
  else if (typeof v === 'number') sink += v;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeOnce(f: () => unknown): number {
  const t0 = performance.now();
  consume(f());
  return performance.now() - t0;
}

/** Warm both up, then alternate runs until each has `minMs` of samples (at least 5 runs each). */
export function compare(c: Case, minMs = Number(process.env.BENCH_MS ?? 400), warmupRuns = 10): Row {
  // Warm-up: let the JIT settle on each side (warmupRuns runs and 200 ms at least).
  for (const f of [c.ours, c.baseline]) {
    const t0 = performance.now();
    for (let i = 0; i < warmupRuns || performance.now() - t0 < 200; i++) consume(f());
  }
  const a: number[] = [];
  const b: number[] = [];
  let ta = 0;
  let tb = 0;
  // At least 5 runs each, until either side has minMs of samples (a slow baseline does not
  // force hundreds of runs of a fast one).
  while (a.length < 5 || (ta < minMs && tb < minMs)) {
    const x = timeOnce(c.ours);
    const y = timeOnce(c.baseline);
    a.push(x);
    b.push(y);
    ta += x;
    tb += y;
    if (a.length > 2000) break;
  }
  const oursMs = median(a);
  const baselineMs = median(b);
  return { name: c.name, baselineName: c.baselineName, oursMs, baselineMs, speedup: baselineMs / oursMs };
}

/** Print rows as a Markdown table. */
export function printTable(title: string, rows: Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log('| case | ours (ms) | baseline | baseline (ms) | speed-up |');
  console.log('|---|---:|---|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.oursMs.toFixed(3)} | ${r.baselineName} | ${r.baselineMs.toFixed(3)} | ${r.speedup.toFixed(2)}× |`);
  }
  if (sink === 12345.6789) console.log('');
}

/** Deterministic noise in [−0.5, 0.5) from a 32-bit LCG (the same on every runtime). */
export function noise(n: number, seed = 1): Float64Array {
  let s = seed;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}
