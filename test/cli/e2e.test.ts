/**
 * The workflow end to end from the command line, long enough to learn: two FluidSynth renders
 * prepared as two shards, `small` trained for 200 steps on both cores, a resynthesis, and a timbre
 * transfer of a render of another instrument (an oboe A4, played an octave down) whose output must follow the
 * shifted f0. About two minutes, so it runs on Node only (Deno and Bun run the same code in
 * cli.test.ts's short workflow).
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { synthCmd } from '../../src/cli/synth.ts';
import { decodeWav, encodeWav, toMono } from '../../src/io/index.ts';

const isNode = (globalThis as { Deno?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;

describe.runIf(isNode)('ddsp workflow, trained', () => {
  it('prepare (2 shards) → train 200 steps → resynth → transfer an octave down: the output follows the shifted f0', async () => {
    const x = toMono(decodeWav(new Uint8Array(readFileSync(new URL('../fixtures/pitch/instruments.wav', import.meta.url)))).channels);
    const dir = mkdtempSync(join(tmpdir(), 'ddsp-e2e-'));
    writeFileSync(join(dir, 'a.wav'), encodeWav(x.subarray(0, 64000), 16000, { format: 'pcm16' }));
    writeFileSync(join(dir, 'b.wav'), encodeWav(x.subarray(64000), 16000, { format: 'pcm16' }));
    const log: string[] = [];
    const run = (args: string[]) => main(args, { log: (l) => log.push(l), tty: false });
    const data = join(dir, 'data');
    expect(await run(['prepare', dir, '--out', data, '--example-seconds', '2', '--hop-seconds', '0.5', '--shard', '0/2']), log.join('\n')).toBe(0);
    expect(await run(['prepare', dir, '--out', data, '--example-seconds', '2', '--hop-seconds', '0.5', '--shard', '1/2'])).toBe(0);
    const out = join(dir, 'run');
    expect(await run(['train', '--data', data, '--out', out, '--steps', '200', '--batch', '2', '--workers', '2', '--every', '100', '--lr', '2e-3']), log.join('\n')).toBe(0);
    const losses = JSON.parse(readFileSync(join(out, 'losses.json'), 'utf8')) as number[];
    expect(losses.length).toBe(200);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-20))).toBeLessThan(0.5 * losses[0]);
    expect(existsSync(join(out, 'loss.png'))).toBe(true);

    const re = await synthCmd({ run: out, input: join(dir, 'b.wav'), output: join(dir, 'b-resynth.wav'), log: (l) => log.push(l) });
    expect(re.seconds).toBe(4);
    const y = decodeWav(new Uint8Array(readFileSync(join(dir, 'b-resynth.wav')))).channels[0];
    expect(y.length).toBe(64000);
    expect(y.every(Number.isFinite)).toBe(true);

    // An oboe (not among the training instruments), A4, played an octave down.
    const oboe = new URL('../fixtures/audio/oboe-a4.flac', import.meta.url).pathname;
    const tr = await synthCmd({ run: out, input: oboe, output: join(dir, 'oboe-down.wav'), transfer: { octaveShift: -1, loudnessShift: 0, autoAdjust: false, quietDb: 20 }, log: (l) => log.push(l) });
    expect(tr.octaves).toBe(-1);
    // The played f0 is the input's an octave down (220 Hz where the oboe plays A4) …
    const played = Array.from(tr.played).filter((_, i) => tr.voiced[i] === 1).sort((p, q) => p - q);
    expect(Math.abs(1200 * Math.log2(played[played.length >> 1] / 220))).toBeLessThan(20);
    // … and the output, re-tracked, follows it.
    expect(tr.f0Frames).toBeGreaterThan(100);
    expect(tr.f0MedianCents).toBeLessThan(50);
    for (const f of ['oboe-down.wav', 'oboe-down.spectrogram.png', 'oboe-down.f0.svg', 'oboe-down.loudness.png']) expect(existsSync(join(dir, f)), f).toBe(true);
  }, 600_000);
});
