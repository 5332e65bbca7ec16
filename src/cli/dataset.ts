/**
 * The dataset format `ddsp prepare` writes and `ddsp train` reads (a folder):
 *   manifest.json (or manifest-<i>-of-<n>.json from `--shard i/n` runs; readers merge them all)
 *     { format: 'ddsp-dataset/1', sampleRate, frameRate, exampleSeconds, hopSeconds,
 *       files: { <source path>: { bytes, mtimeMs, seconds, examples, shard } },
 *       skipped: { <source path>: <reason> } }
 *   examples/<id>.safetensors — one per source file: audio [n, exampleSeconds·sampleRate] (F32),
 *     f0_hz, voiced_prob, loudness_db [n, exampleSeconds·frameRate] (F64); frame i of an example
 *     is centred on its sample i·sampleRate/frameRate
 *   statistics.json — DDSP's dataset statistics over every example (see datasetStatistics)
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { decodeSafetensors } from '../io/safetensors.ts';
import { writeAtomic } from '../train/checkpoint.ts';
import { hzToMidi } from '../core/units.ts';

export interface DatasetFile {
  bytes: number;
  mtimeMs: number;
  seconds: number;
  examples: number;
  shard: string;
}

export interface Manifest {
  format: 'ddsp-dataset/1';
  sampleRate: number;
  frameRate: number;
  exampleSeconds: number;
  hopSeconds: number;
  files: Record<string, DatasetFile>;
  skipped: Record<string, string>;
}

export interface StoredExamples {
  audio: Float64Array[];
  f0Hz: Float64Array[];
  voicedProb: Float64Array[];
  loudnessDb: Float64Array[];
}

export const shardId = (source: string) => createHash('sha1').update(source).digest('hex').slice(0, 16);

export function manifestName(shard?: { index: number; count: number }): string {
  return shard === undefined ? 'manifest.json' : `manifest-${shard.index}-of-${shard.count}.json`;
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeAtomic(path, new TextEncoder().encode(`${JSON.stringify(value, null, 1)}\n`));
}

/** Every manifest in the folder, merged (files of later shards win on a clash; they are the same run). */
export async function readManifests(dir: string): Promise<Manifest | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^manifest(-\d+-of-\d+)?\.json$/.test(n)).sort();
  } catch {
    return undefined;
  }
  let out: Manifest | undefined;
  for (const n of names) {
    const m = JSON.parse(await readFile(join(dir, n), 'utf8')) as Manifest;
    if (m.format !== 'ddsp-dataset/1') throw new Error(`${join(dir, n)} is not a ddsp dataset manifest (format ${JSON.stringify(m.format)})`);
    if (out === undefined) out = { ...m, files: { ...m.files }, skipped: { ...m.skipped } };
    else {
      for (const k of ['sampleRate', 'frameRate', 'exampleSeconds', 'hopSeconds'] as const) {
        if (m[k] !== out[k]) throw new Error(`${join(dir, n)} was prepared with ${k} ${m[k]}, another manifest with ${out[k]}; prepare into separate folders`);
      }
      Object.assign(out.files, m.files);
      Object.assign(out.skipped, m.skipped);
    }
  }
  return out;
}

export async function writeExamples(dir: string, source: string, ex: StoredExamples, sampleRate: number, frameRate: number): Promise<string> {
  await mkdir(join(dir, 'examples'), { recursive: true });
  const rel = join('examples', `${shardId(source)}.safetensors`);
  const n = ex.audio.length;
  const stack = (rows: Float64Array[], dtype: 'F32' | 'F64') => {
    const w = rows[0]?.length ?? 0;
    const data = new Float64Array(n * w);
    rows.forEach((r, i) => data.set(r, i * w));
    return { dtype, shape: [n, w], data };
  };
  // Audio in float32 (as DDSP's TFRecords), features in float64.
  const tensors = { audio: stack(ex.audio, 'F32'), f0_hz: stack(ex.f0Hz, 'F64'), voiced_prob: stack(ex.voicedProb, 'F64'), loudness_db: stack(ex.loudnessDb, 'F64') };
  await writeAtomic(join(dir, rel), encodeMixed(tensors, { source, sampleRate: String(sampleRate), frameRate: String(frameRate) }));
  return rel;
}

/** safetensors with each tensor in its own dtype (F32 stays F32). */
function encodeMixed(tensors: Record<string, { dtype: string; shape: number[]; data: Float64Array | Float32Array }>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let off = 0;
  const parts: Uint8Array[] = [];
  for (const [k, t] of Object.entries(tensors)) {
    const data = t.dtype === 'F32' ? Float32Array.from(t.data) : Float64Array.from(t.data);
    const bytes = new Uint8Array(data.buffer);
    header[k] = { dtype: t.dtype === 'F32' ? 'F32' : 'F64', shape: t.shape, data_offsets: [off, off + bytes.length] };
    parts.push(bytes);
    off += bytes.length;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const hb = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hb.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

export async function readExamples(dir: string, rel: string): Promise<StoredExamples> {
  const { tensors } = decodeSafetensors(new Uint8Array(await readFile(join(dir, rel))));
  const rows = (name: string) => {
    const t = tensors[name];
    if (t === undefined || t.shape.length !== 2) throw new Error(`${join(dir, rel)}: tensor '${name}' is missing or not 2-D; prepare the dataset again`);
    const [n, w] = t.shape;
    return Array.from({ length: n }, (_, i) => Float64Array.from(t.data.subarray(i * w, (i + 1) * w)));
  };
  return { audio: rows('audio'), f0Hz: rows('f0_hz'), voicedProb: rows('voiced_prob'), loudnessDb: rows('loudness_db') };
}

/** Every example of a dataset's manifest, files in sorted order (so statistics never depend on shard order). */
export async function readAllExamples(dir: string, manifest: Manifest): Promise<StoredExamples> {
  const all: StoredExamples = { audio: [], f0Hz: [], voicedProb: [], loudnessDb: [] };
  for (const k of Object.keys(manifest.files).sort()) {
    const ex = await readExamples(dir, manifest.files[k].shard);
    all.audio.push(...ex.audio);
    all.f0Hz.push(...ex.f0Hz);
    all.voicedProb.push(...ex.voicedProb);
    all.loudnessDb.push(...ex.loudnessDb);
  }
  return all;
}

export async function fileKey(path: string): Promise<{ bytes: number; mtimeMs: number }> {
  const s = await stat(path);
  return { bytes: s.size, mtimeMs: Math.round(s.mtimeMs) };
}

export interface DatasetStatistics {
  /** Frames counted (voiced, i.e. note on). */
  frames: number;
  /** MIDI pitch of voiced frames. */
  pitch: { mean: number; std: number; min: number; max: number; quantiles: number[] };
  /** Loudness (dB) of voiced frames; quantiles at 0, 1, …, 100 %. */
  loudness: { mean: number; std: number; min: number; max: number; quantiles: number[] };
}

/**
 * DDSP's dataset statistics over the frames pYIN calls voiced with probability ≥ 0.5 (DDSP uses
 * CREPE's confidence): mean, std, min and max of MIDI pitch and loudness, and their quantiles at
 * 0…100 % — timbre transfer's octave shift uses the mean pitch, its loudness auto-adjust the
 * loudness quantiles.
 */
export function datasetStatistics(ex: StoredExamples): DatasetStatistics {
  const p: number[] = [];
  const l: number[] = [];
  ex.f0Hz.forEach((f, i) => {
    const midi = hzToMidi(f);
    for (let t = 0; t < f.length; t++) {
      if (ex.voicedProb[i][t] >= 0.5 && f[t] > 0) {
        p.push(midi[t]);
        l.push(ex.loudnessDb[i][t]);
      }
    }
  });
  const summary = (v: number[]) => {
    if (v.length === 0) return { mean: 0, std: 0, min: 0, max: 0, quantiles: [] as number[] };
    const s = Float64Array.from(v).sort();
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    const quantiles = Array.from({ length: 101 }, (_, q) => {
      const x = (q / 100) * (s.length - 1);
      const i = Math.floor(x);
      return i + 1 < s.length ? s[i] + (x - i) * (s[i + 1] - s[i]) : s[i];
    });
    return { mean, std, min: s[0], max: s[s.length - 1], quantiles };
  };
  return { frames: p.length, pitch: summary(p), loudness: summary(l) };
}
