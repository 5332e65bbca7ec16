/**
 * Typed-array memory of one call, measured in a fresh process (so earlier garbage cannot skew
 * it): `node --expose-gc --import tsx bench/memory.ts <case>` prints the growth of
 * process.memoryUsage().arrayBuffers across the call, after a full GC before it. Typed arrays
 * are only freed by GC, so this is the bytes allocated during the call (an upper bound on its
 * peak extra memory) unless a GC runs inside it.
 */
import { harmonicSynth, harmonicSynthVjp } from '../src/synths/harmonic.ts';
import { frames } from '../src/core/frames.ts';
import { ddspHarmonic, harmonicCase } from './cases.ts';

const cases: Record<string, () => unknown> = {
  'harmonic-ours': () => {
    const { amp, dist, f0, opts, g } = harmonicCase();
    const run = () => {
      harmonicSynth(amp, frames(dist, 1000, 100), f0, opts);
      harmonicSynthVjp(g, amp, frames(dist, 1000, 100), f0, opts);
    };
    return measure(run);
  },
  'harmonic-ddsp': () => {
    const { amp, dist, f0 } = harmonicCase();
    return measure(() => ddspHarmonic(amp, dist, f0, 1000, 100, 64000));
  },
};

function measure(f: () => unknown): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const before = process.memoryUsage().arrayBuffers;
  f();
  return process.memoryUsage().arrayBuffers - before;
}

const name = process.argv[2];
if (!(name in cases)) throw new Error(`unknown case ${name}; one of ${Object.keys(cases).join(', ')}`);
console.log(JSON.stringify({ case: name, bytes: cases[name]() }));
