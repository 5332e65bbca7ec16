/**
 * `ddsp prepare <files or folders…> --out data/`: decode, mix to mono, resample to 16 kHz, track
 * f0 (pYIN) and loudness, cut DDSP's windows (4 s, 1-s hop), write the dataset (see dataset.ts).
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { loudness } from '../spectral/features.ts';
import { pyin } from '../spectral/pitch.ts';
import { AUDIO_EXTENSIONS, loadAudio } from './audio.ts';
import { workerExecArgv } from '../train/workerArgs.ts';
import { datasetStatistics, fileKey, manifestName, readAllExamples, readManifests, writeExamples, writeJson, type Manifest, type StoredExamples } from './dataset.ts';

export interface PrepareOptions {
  inputs: string[];
  out: string;
  sampleRate: number;
  frameRate: number;
  exampleSeconds: number;
  hopSeconds: number;
  f0Min: number;
  f0Max: number;
  shard?: { index: number; count: number };
  force: boolean;
  /** Worker threads for the per-file work (0: this thread). */
  workers: number;
  /** A Redis URL: enqueue the files as BullMQ jobs for `ddsp worker`s instead of preparing them here. */
  queue?: string;
  /** Seconds to wait for one queued file. Default 600. */
  jobTimeout?: number;
  log: (line: string) => void;
}

/** Audio files under the inputs (folders walked recursively), sorted, without duplicates. */
export async function listAudio(inputs: string[]): Promise<string[]> {
  const out = new Set<string>();
  const walk = async (p: string) => {
    let s;
    try {
      s = await stat(p);
    } catch {
      throw new Error(`${p}: no such file or folder`);
    }
    if (s.isDirectory()) {
      for (const e of (await readdir(p)).sort()) {
        const q = join(p, e);
        const t = await stat(q);
        if (t.isDirectory()) await walk(q);
        else if (AUDIO_EXTENSIONS.includes(extname(e).toLowerCase())) out.add(resolve(q));
      }
    } else out.add(resolve(p));
  };
  for (const p of inputs) await walk(p);
  return [...out].sort();
}

/** Features and windows of one recording at 16 kHz. */
export function cutExamples(audio: Float64Array, o: Pick<PrepareOptions, 'sampleRate' | 'frameRate' | 'exampleSeconds' | 'hopSeconds' | 'f0Min' | 'f0Max'>): StoredExamples {
  const hop = o.sampleRate / o.frameRate;
  const S = Math.round(o.exampleSeconds * o.sampleRate);
  const T = Math.round(o.exampleSeconds * o.frameRate);
  const H = Math.round(o.hopSeconds * o.frameRate);
  const track = pyin(audio, { sampleRate: o.sampleRate, frameRate: o.frameRate, fMin: o.f0Min, fMax: o.f0Max, fill: 'nearest' });
  const f0 = track.f0Hz;
  // A recording with no voiced frame has no pitch to condition on: f0 stays 0 and is set to fMin.
  for (let i = 0; i < f0.length; i++) if (!(f0[i] > 0)) f0[i] = o.f0Min;
  const ld = loudness(audio, { sampleRate: o.sampleRate, frameRate: o.frameRate });
  const ex: StoredExamples = { audio: [], f0Hz: [], voicedProb: [], loudnessDb: [] };
  for (let j = 0; j * hop + S <= audio.length && j + T <= f0.length; j += H) {
    ex.audio.push(audio.slice(j * hop, j * hop + S));
    ex.f0Hz.push(f0.slice(j, j + T));
    ex.voicedProb.push(track.voicedProb.slice(j, j + T));
    ex.loudnessDb.push(ld.slice(j, j + T));
  }
  return ex;
}

export type FileOptions = Pick<PrepareOptions, 'sampleRate' | 'frameRate' | 'exampleSeconds' | 'hopSeconds' | 'f0Min' | 'f0Max'>;
export type FileResult = { ok: true; seconds: number; sourceRate: number; examples: number; shard: string; elapsed: number } | { ok: false; error: string };

/** One file: decode, resample, features, windows, written to the dataset's examples/. */
export async function prepareFile(path: string, out: string, o: FileOptions): Promise<FileResult> {
  try {
    const t1 = performance.now();
    const { audio, sourceRate, seconds } = await loadAudio(path, o.sampleRate);
    const ex = cutExamples(audio, o);
    if (ex.audio.length === 0) throw new Error(`${path}: ${seconds.toFixed(2)} s is shorter than one ${o.exampleSeconds}-s example`);
    const shard = await writeExamples(out, path, ex, o.sampleRate, o.frameRate);
    return { ok: true, seconds, sourceRate, examples: ex.audio.length, shard, elapsed: (performance.now() - t1) / 1000 };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export async function prepare(o: PrepareOptions): Promise<{ files: number; examples: number; skipped: number; unchanged: number }> {
  await mkdir(o.out, { recursive: true });
  const files = await listAudio(o.inputs);
  const mine = o.shard ? files.filter((_, i) => i % o.shard!.count === o.shard!.index) : files;
  const name = manifestName(o.shard);
  const previous = await readManifests(o.out);
  if (previous && !o.force) {
    for (const k of ['sampleRate', 'frameRate', 'exampleSeconds', 'hopSeconds'] as const) {
      if (previous[k] !== o[k]) throw new Error(`${o.out} holds a dataset prepared with ${k} ${previous[k]} (now ${o[k]}); use another --out folder or --force`);
    }
  }
  const manifest: Manifest = {
    format: 'ddsp-dataset/1', sampleRate: o.sampleRate, frameRate: o.frameRate, exampleSeconds: o.exampleSeconds, hopSeconds: o.hopSeconds,
    files: {}, skipped: {},
  };
  o.log(`prepare: ${mine.length} audio file${mine.length === 1 ? '' : 's'}${o.shard ? ` (shard ${o.shard.index}/${o.shard.count} of ${files.length})` : ''} → ${o.out}`);
  let examples = 0;
  let unchanged = 0;
  const t0 = performance.now();
  const fileOptions = { sampleRate: o.sampleRate, frameRate: o.frameRate, exampleSeconds: o.exampleSeconds, hopSeconds: o.hopSeconds, f0Min: o.f0Min, f0Max: o.f0Max };
  let pool: { run(t: unknown): Promise<unknown>; destroy(): Promise<void> } | undefined;
  if (o.workers > 0 && mine.length > 1) {
    const { Piscina } = await import('piscina');
    const entry = new URL(import.meta.url.endsWith('.ts') ? './prepareWorker.ts' : './prepareWorker.js', import.meta.url);
    pool = new Piscina({ filename: entry.href, minThreads: o.workers, maxThreads: o.workers, execArgv: workerExecArgv(entry) }) as never;
  }
  const remote = o.queue ? await (await import('./queue.ts')).queueClient(o.queue, o.jobTimeout ?? 600) : undefined;
  if (remote) o.log(`prepare: files go to the job queue at ${o.queue}; run \`ddsp worker --queue ${o.queue}\` where the files and ${o.out} are visible`);
  // Files run concurrently on the pool or the queue; one at a time without either.
  const jobs = new Map<number, Promise<void>>();
  const one = async (i: number, path: string) => {
    const tag = `[${i + 1}/${mine.length}] ${path}`;
    const key = await fileKey(path).catch(() => undefined);
    const old = previous?.files[path];
    if (!o.force && key && old && old.bytes === key.bytes && old.mtimeMs === key.mtimeMs) {
      manifest.files[path] = old;
      examples += old.examples;
      unchanged++;
      o.log(`${tag}: unchanged, ${old.examples} examples`);
      return;
    }
    const r = remote ? await remote.run({ path, out: o.out, options: fileOptions }) : pool ? ((await pool.run({ path, out: o.out, options: fileOptions })) as FileResult) : await prepareFile(path, o.out, fileOptions);
    if (r.ok) {
      manifest.files[path] = { ...(key ?? { bytes: 0, mtimeMs: 0 }), seconds: r.seconds, examples: r.examples, shard: r.shard };
      examples += r.examples;
      o.log(`${tag}: ${r.seconds.toFixed(1)} s at ${r.sourceRate} Hz → ${r.examples} examples (${r.elapsed.toFixed(1)} s)`);
    } else {
      manifest.skipped[path] = r.error;
      o.log(`${tag}: skipped — ${r.error}`);
    }
    await writeJson(join(o.out, name), manifest); // progress survives a crash: done files are not redone
  };
  try {
    let chain = Promise.resolve();
    for (const [i, path] of mine.entries()) {
      const p = one(i, path);
      jobs.set(i, p);
      // Keep at most 2·workers files in flight; manifest writes are chained so they never overlap.
      chain = chain.then(() => p);
      if (remote) continue; // every file in flight: the workers pace themselves
      if (!pool) await p;
      else if (jobs.size >= 2 * o.workers) {
        await jobs.get(i - 2 * o.workers + 1);
        jobs.delete(i - 2 * o.workers + 1);
      }
    }
    await chain;
  } finally {
    await pool?.destroy();
    await remote?.close();
  }
  await writeJson(join(o.out, name), manifest);
  // Statistics over every example in the folder (all shards' manifests).
  const all = await readManifests(o.out);
  if (all) await writeJson(join(o.out, 'statistics.json'), datasetStatistics(await readAllExamples(o.out, all)));
  const skipped = Object.keys(manifest.skipped).length;
  o.log(`prepare: ${examples} examples from ${mine.length - skipped} files (${unchanged} unchanged), ${skipped} skipped, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { files: mine.length - skipped, examples, skipped, unchanged };
}
