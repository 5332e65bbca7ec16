/**
 * `npm run demo`'s command line: --help, bad flags and a missing file end with a message and an
 * exit status, never a stack trace; a short run from an MP3 writes its files. Node only (a child
 * process through tsx).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/io/wav.ts';

const isNode = (globalThis as { Deno?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;
const script = fileURLToPath(new URL('../../src/demo/match.ts', import.meta.url));
const mp3 = fileURLToPath(new URL('../fixtures/audio/flute-a4.mp3', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 120_000 });

describe.runIf(isNode)('npm run demo', () => {
  it('--help prints the usage; bad flags and a missing file are messages with exit status 2 and 1', () => {
    const h = run(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('npm run demo -- [input] [--steps N] [--seconds S] [--out DIR]');
    const bad = run(['--steps', 'x']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--steps must be an integer in (0, 1000000] (got 'x')");
    const unknown = run(['--step', '3']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--step'");
    const missing = run(['/nonexistent/in.wav']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('npm run demo: /nonexistent/in.wav: cannot read it');
    expect(missing.stderr).not.toContain('    at ');
  });
  it('matches 0.5 s of an MP3 in a few steps and writes the sounds and figures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddsp-demo-'));
    try {
      const r = run([mp3, '--steps', '5', '--seconds', '0.5', '--out', join(dir, 'out')]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('0.5 s at 16000 Hz');
      expect(r.stdout).toMatch(/loss [\d.]+ → [\d.]+: [\d.]+× lower in 5 steps/);
      const svg = readFileSync(join(dir, 'out/spectrograms.svg'), 'utf8');
      expect(svg).toContain('frequency (Hz)');
      expect(svg).toContain('time (s)');
      expect(readFileSync(join(dir, 'out/loss.svg'), 'utf8')).toContain('>step<');
      const wav = decodeWav(new Uint8Array(readFileSync(join(dir, 'out/resynthesis.wav'))));
      expect([wav.sampleRate, wav.channels[0].length]).toEqual([16000, 8000]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
