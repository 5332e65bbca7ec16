import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { decodeWav, encodeWav, toMono } from '../../src/io/index.ts';
import { resampleAudio } from '../../src/spectral/index.ts';

const fixture = toMono(decodeWav(new Uint8Array(readFileSync(new URL('../fixtures/pitch/instruments.wav', import.meta.url)))).channels);

async function run(args: string[]) {
  const lines: string[] = [];
  const code = await main(args, { log: (l) => lines.push(l), tty: false });
  return { code, out: lines.join('\n') };
}

/** Two 4-s FluidSynth renders (one at 44.1 kHz), a 3.6-s MP3 render, a file that is not audio and a fake MP3. */
function inputs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddsp-cli-'));
  writeFileSync(join(dir, 'a.wav'), encodeWav(resampleAudio(fixture.subarray(0, 64000), 16000, 44100), 44100, { format: 'pcm16' }));
  writeFileSync(join(dir, 'b.wav'), encodeWav(fixture.subarray(64000), 16000, { format: 'pcm16' }));
  writeFileSync(join(dir, 'broken.wav'), 'not audio');
  writeFileSync(join(dir, 'song.mp3'), 'ID3');
  writeFileSync(join(dir, 'flute.mp3'), readFileSync(new URL('../fixtures/audio/flute-a4.mp3', import.meta.url)));
  return dir;
}

describe('ddsp command line', () => {
  it('prepare → train → resume → resynth → transfer → info, reporting bad files without stopping', async () => {
    const dir = inputs();
    const data = join(dir, 'data');
    const p = await run(['prepare', dir, '--out', data, '--example-seconds', '2', '--hop-seconds', '1']);
    expect(p.code).toBe(0);
    expect(p.out).toContain('a.wav: 4.0 s at 44100 Hz → 3 examples');
    expect(p.out).toContain('broken.wav: skipped');
    expect(p.out).toContain('flute.mp3: 3.6 s at 22050 Hz → 2 examples'); // MP3, decoded
    expect(p.out).toContain('song.mp3: skipped — ');
    expect(p.out).toContain('8 examples from 3 files (0 unchanged), 2 skipped');
    const stats = JSON.parse(readFileSync(join(data, 'statistics.json'), 'utf8'));
    expect(stats.loudness.quantiles.length).toBe(101);
    expect(stats.pitch.mean).toBeGreaterThan(40);
    // Rerunning skips what is done.
    expect((await run(['prepare', dir, '--out', data, '--example-seconds', '2', '--hop-seconds', '1'])).out).toContain('(3 unchanged)');

    const out = join(dir, 'run');
    const t = await run(['train', '--data', data, '--out', out, '--steps', '2', '--batch', '2', '--workers', '0', '--every', '1']);
    expect(t.code).toBe(0);
    expect(t.out).toContain('8 examples of 2 s');
    expect(JSON.parse(readFileSync(join(out, 'losses.json'), 'utf8')).length).toBe(2);
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toContain('<svg');
    const again = await run(['train', '--data', data, '--out', out, '--steps', '3', '--batch', '2', '--workers', '0', '--every', '1', '--lr', '3e-3', '--lr-final', '3e-4']);
    expect(again.out).toContain('resuming at step 2');
    expect(JSON.parse(readFileSync(join(out, 'losses.json'), 'utf8')).length).toBe(3);

    const r = await run(['resynth', out, join(dir, 'b.wav'), '-o', join(dir, 'b-resynth.wav')]);
    expect(r.code).toBe(0);
    const y = decodeWav(new Uint8Array(readFileSync(join(dir, 'b-resynth.wav'))));
    expect(y.sampleRate).toBe(16000);
    expect(y.channels[0].length).toBe(64000);
    expect(y.channels[0].every(Number.isFinite)).toBe(true);

    const tr = await run(['transfer', out, join(dir, 'a.wav'), '-o', join(dir, 'a-transfer.wav'), '--octave-shift', '1', '--quiet-db', '30']);
    expect(tr.code).toBe(0);
    expect(tr.out).toContain('f0 shifted 1 octave');
    expect(existsSync(join(dir, 'a-transfer.wav'))).toBe(true);

    const info = await run(['info', out]);
    expect(info.out).toContain('preset small');
    expect(info.out).toContain('checkpoints: 1, 2, 3;');
    expect(info.out).toContain('at step 3');
  }, 180_000);

  it('--shard i/n prepares a deterministic slice; the slices merge into the full dataset; --workers gives the same files', async () => {
    const dir = inputs();
    const full = await run(['prepare', dir, '--out', join(dir, 'full'), '--example-seconds', '2']);
    const s0 = await run(['prepare', dir, '--out', join(dir, 'sharded'), '--example-seconds', '2', '--shard', '0/2']);
    const s1 = await run(['prepare', dir, '--out', join(dir, 'sharded'), '--example-seconds', '2', '--shard', '1/2']);
    expect(s0.out).toContain('(shard 0/2 of 5)');
    expect(s1.out).toContain('(shard 1/2 of 5)');
    expect(full.code + s0.code).toBe(0);
    const f = JSON.parse(readFileSync(join(dir, 'full', 'manifest.json'), 'utf8')).files;
    const m0 = JSON.parse(readFileSync(join(dir, 'sharded', 'manifest-0-of-2.json'), 'utf8')).files;
    const m1 = JSON.parse(readFileSync(join(dir, 'sharded', 'manifest-1-of-2.json'), 'utf8')).files;
    expect({ ...m0, ...m1 }).toEqual(f);
    for (const v of Object.values(f) as { shard: string }[]) {
      expect(readFileSync(join(dir, 'sharded', v.shard)).equals(readFileSync(join(dir, 'full', v.shard)))).toBe(true);
    }
    expect(readFileSync(join(dir, 'sharded', 'statistics.json'), 'utf8')).toBe(readFileSync(join(dir, 'full', 'statistics.json'), 'utf8'));
    // Two worker threads: the same examples, file for file.
    const pooled = await run(['prepare', dir, '--out', join(dir, 'pooled'), '--example-seconds', '2', '--workers', '2']);
    expect(pooled.code).toBe(0);
    for (const v of Object.values(f) as { shard: string }[]) {
      expect(readFileSync(join(dir, 'pooled', v.shard)).equals(readFileSync(join(dir, 'full', v.shard)))).toBe(true);
    }
    expect(readFileSync(join(dir, 'pooled', 'statistics.json'), 'utf8')).toBe(readFileSync(join(dir, 'full', 'statistics.json'), 'utf8'));
  }, 120_000);

  it('says what is wrong: unknown flags and commands, missing arguments, a folder that is not a run', async () => {
    const bad = await run(['train', '--data', 'x', '--out', 'y', '--bogus', '1']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("Unknown option '--bogus'");
    expect(bad.out).toContain('ddsp train --data data/ --out run/');
    expect((await run(['fly'])).out).toContain("ddsp: unknown command 'fly'");
    expect((await run(['prepare', 'x'])).out).toContain('ddsp prepare: --out DIR is required');
    expect((await run(['train', '--data', 'd', '--out', 'o', '--steps', 'many'])).out).toContain("--steps must be an integer (got 'many')");
    expect((await run(['train', '--data', 'd', '--out', 'o', '--lr', '1e-3', '--lr-final', '1e-2'])).out).toContain('--lr-final (0.01) must not exceed --lr (0.001)');
    const nr = await run(['resynth', tmpdir(), 'in.wav', '-o', 'o.wav']);
    expect(nr.code).toBe(1);
    expect(nr.out).toContain('not a training run (no config.json)');
    for (const c of ['prepare', 'train', 'resynth', 'transfer', 'info', 'graph', 'worker']) {
      const h = await run([c, '--help']);
      expect(h.code).toBe(0);
      expect(h.out).toContain('example: ddsp');
    }
    const g = await run(['graph', 'check', new URL('../../src/demo/configs/harmonicPlusNoise.json', import.meta.url).pathname]);
    expect(g.out).toContain('ok — ');
  });

  /**
   * The job queue: a Redis on 127.0.0.1 (DDSP_TEST_REDIS from .ci/run, else a redis-server this
   * test starts on a free port), a worker in this process, prepare --queue: the same files as a
   * local run. Skipped, saying so, where there is no redis-server.
   */
  const redisBin = spawnSync('redis-server', ['--version']).status === 0;
  it.runIf(process.env.DDSP_TEST_REDIS !== undefined || redisBin)('prepare --queue with ddsp worker (BullMQ on Redis) writes what a local run writes', async () => {
    let url = process.env.DDSP_TEST_REDIS;
    let server: ReturnType<typeof spawn> | undefined;
    if (url === undefined) {
      const port = 20000 + Math.floor(Math.random() * 20000);
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 400));
      url = `redis://127.0.0.1:${port}/${Math.floor(Math.random() * 16)}`;
    }
    try {
      const dir = inputs();
      const local = await run(['prepare', dir, '--out', join(dir, 'local'), '--example-seconds', '2']);
      const lines: string[] = [];
      const worker = main(['worker', '--queue', url, '--concurrency', '2', '--idle-exit', '3'], { log: (l) => lines.push(l) });
      const queued = await run(['prepare', dir, '--out', join(dir, 'queued'), '--example-seconds', '2', '--queue', url, '--job-timeout', '120']);
      expect(await worker, `worker log:\n${lines.join('\n')}`).toBe(0);
      expect(queued.code, queued.out).toBe(0);
      expect(queued.out).toContain('8 examples from 3 files (0 unchanged), 2 skipped');
      expect(lines.join('\n')).toContain('worker: stopped after 5 jobs');
      const files = readdirSync(join(dir, 'local', 'examples'));
      expect(files.length).toBe(3);
      for (const f of files) expect(readFileSync(join(dir, 'queued', 'examples', f)).equals(readFileSync(join(dir, 'local', 'examples', f)))).toBe(true);
      expect(readFileSync(join(dir, 'queued', 'statistics.json'), 'utf8')).toBe(readFileSync(join(dir, 'local', 'statistics.json'), 'utf8'));
      expect(local.code).toBe(0);
      // A Redis that is not there: a clear error within the bounded connect time.
      const none = await run(['prepare', dir, '--out', join(dir, 'none'), '--queue', 'redis://127.0.0.1:1/0']);
      expect(none.code).toBe(1);
      expect(none.out).toContain('cannot reach Redis at redis://127.0.0.1:1/0');
    } finally {
      server?.kill();
    }
  }, 120_000);
});
