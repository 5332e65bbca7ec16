/**
 * `npm run bench`: every area's benchmarks, ours against a baseline measured in the same run.
 * BENCH_MS sets the minimum sampling time per side (default 400 ms); pass area names
 * (`npm run bench -- synths`) to run only those.
 */
import { benchCore } from './core.ts';
import { benchSynths } from './synths.ts';
import { benchSpectral } from './spectral.ts';
import { benchEffects } from './effects.ts';
import { benchNn, benchParallel } from './nn.ts';
import { benchPitch } from './pitch.ts';
import { benchW1 } from './w1.ts';
import { benchRealtime } from './realtime.ts';

const areas: Record<string, () => unknown> = { w1: benchW1, core: benchCore, synths: benchSynths, spectral: benchSpectral, pitch: benchPitch, realtime: benchRealtime, effects: benchEffects, nn: async () => {
  benchNn();
  await benchParallel();
} };
const wanted = process.argv.slice(2).filter((a) => a in areas);
console.log(`ddsp benchmarks — Node ${process.version}, median of alternating runs`);
for (const [name, run] of Object.entries(areas)) if (wanted.length === 0 || wanted.includes(name)) await run();
