/**
 * `npm run bench`: every area's benchmarks, ours against a baseline measured in the same run.
 * BENCH_MS sets the minimum sampling time per side (default 400 ms).
 */
import { benchCore } from './core.ts';

console.log(`ddsp benchmarks — ${typeof process !== 'undefined' ? `Node ${process.version}` : 'unknown runtime'}, median of alternating runs`);
benchCore();
