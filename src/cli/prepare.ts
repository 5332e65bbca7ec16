/**
 * `ddsp prepare <files or folders…> --out data/`: decode, mix to mono, resample to 16 kHz, track
 * f0 (pYIN) and loudness, cut DDSP's windows (4 s, 1-s hop), write the dataset (see dataset.ts).
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { loudness } from '../spectral/features.ts';
import { pyin } from '../spectral/pitch.ts';
import { AUDIO_EXTENSIONS, loadAudio } from './audio.ts';
import { datasetStatistics, fileKey, manifestName, readExamples, readManifests, writeExamples, writeJson, type Manifest, type StoredExamples } from './dataset.ts';

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
  for (const [i, path] of mine.entries()) {
    const tag = `[${i + 1}/${mine.length}] ${path}`;
    const key = await fileKey(path).catch(() => undefined);
    const old = previous?.files[path];
    if (!o.force && key && old && old.bytes === key.bytes && old.mtimeMs === key.mtimeMs) {
      manifest.files[path] = old;
      examples += old.examples;
      unchanged++;
      o.log(`${tag}: unchanged, ${old.examples} examples`);
      continue;
    }
    try {
      const t1 = performance.now();
      const { audio, sourceRate, seconds } = await loadAudio(path, o.sampleRate);
      const ex = cutExamples(audio, o);
      if (ex.audio.length === 0) throw new Error(`${path}: ${seconds.toFixed(2)} s is shorter than one ${o.exampleSeconds}-s example`);
      const shard = await writeExamples(o.out, path, ex, o.sampleRate, o.frameRate);
      manifest.files[path] = { ...(key ?? { bytes: 0, mtimeMs: 0 }), seconds, examples: ex.audio.length, shard };
      examples += ex.audio.length;
      o.log(`${tag}: ${seconds.toFixed(1)} s at ${sourceRate} Hz → ${ex.audio.length} examples (${((performance.now() - t1) / 1000).toFixed(1)} s)`);
    } catch (e) {
      manifest.skipped[path] = (e as Error).message;
      o.log(`${tag}: skipped — ${(e as Error).message}`);
    }
    await writeJson(join(o.out, name), manifest); // progress survives a crash: done files are not redone
  }
  await writeJson(join(o.out, name), manifest);
  // Statistics over every example in the folder (all shards' manifests).
  const all = await readManifests(o.out);
  if (all) {
    const merged: StoredExamples = { audio: [], f0Hz: [], voicedProb: [], loudnessDb: [] };
    for (const f of Object.values(all.files)) {
      const ex = await readExamples(o.out, f.shard);
      merged.f0Hz.push(...ex.f0Hz);
      merged.voicedProb.push(...ex.voicedProb);
      merged.loudnessDb.push(...ex.loudnessDb);
    }
    await writeJson(join(o.out, 'statistics.json'), datasetStatistics(merged));
  }
  const skipped = Object.keys(manifest.skipped).length;
  o.log(`prepare: ${examples} examples from ${mine.length - skipped} files (${unchanged} unchanged), ${skipped} skipped, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { files: mine.length - skipped, examples, skipped, unchanged };
}
