/**
 * Checkpoints that survive a crash. A checkpoint of step s is two files in its folder:
 *   ckpt-<s>.safetensors   every tensor of the parameters and the optimizer state, float64
 *   ckpt-<s>.json          the step, the structure of both trees (which leaf is which tensor,
 *                          Float64Array or ndarray), the optimizer's scalars, and `extra`
 *                          (configuration, dataset statistics, RNG state…)
 * Each file is written to a temporary name, flushed to disk (fsync) and renamed into place, and
 * the JSON — the commit marker — only after the tensors; a checkpoint without its JSON is
 * ignored. So a process killed at any instant leaves the previous checkpoint intact. Only the
 * last `keep` are kept. Restoring gives back bit-identical float64 values.
 */
import ndarray from 'ndarray';
import { checkSize, fail, readOptions } from '../core/errors.ts';
import { isNdArray } from '../core/frames.ts';
import type { Params } from '../core/tree.ts';
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors.ts';

export interface CheckpointData<P extends Params = Params> {
  /** Steps taken so far. */
  step: number;
  params: P;
  /** Any optimizer state (numbers, arrays, records and Float64Array/ndarray leaves). */
  optimizerState?: unknown;
  /** JSON-able extras: configuration, dataset statistics, RNG state. */
  extra?: Record<string, unknown>;
}

type Skeleton = unknown;

/**
 * A value with its Float64Array/ndarray leaves taken out: `{ skeleton, tensors }`, where the
 * skeleton is plain JSON and the tensors are keyed by path. {@link joinTensors} reverses it.
 * Used for checkpoints and to pass parameter trees to worker threads (ndarrays lose their
 * prototype in a structured clone; typed arrays do not).
 */
export function splitTensors(value: unknown, root = 'value'): { skeleton: unknown; tensors: Record<string, Float64Array> } {
  const tensors: Record<string, unknown> = {};
  const skeleton = split('splitTensors', value, root, tensors);
  const plain: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(tensors)) plain[k] = v instanceof Float64Array ? v : (v as { data: Float64Array }).data;
  return { skeleton, tensors: plain };
}

/** Rebuild a value from {@link splitTensors}' parts. */
export function joinTensors(skeleton: unknown, tensors: Record<string, Float64Array>): unknown {
  const t = Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, { data: v, shape: [v.length] }]));
  return join('joinTensors', skeleton, t);
}

/** Replace tensor leaves by references, collecting the tensors under path names. */
function split(fn: string, v: unknown, path: string, tensors: Record<string, unknown>): Skeleton {
  if (v instanceof Float64Array) {
    tensors[path] = v;
    return { $tensor: path };
  }
  if (isNdArray(v)) {
    const t = v as { data: unknown; shape: number[] };
    if (!(t.data instanceof Float64Array)) fail(fn, `'${path}' is an ndarray over ${(t.data as object)?.constructor?.name}; checkpoints hold float64`);
    tensors[path] = v;
    return { $tensor: path, shape: t.shape.slice() };
  }
  if (Array.isArray(v)) return v.map((x, i) => split(fn, x, `${path}/${i}`, tensors));
  if (v === undefined) return { $undefined: true };
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(fn, `'${path}' is ${v}; a checkpoint holds finite numbers`);
    return v;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) fail(fn, `'${path}' is a ${(v as object).constructor?.name}; checkpoints hold plain records, arrays, numbers and Float64Arrays`);
    const out: Record<string, Skeleton> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k.includes('/')) fail(fn, `key '${k}' at '${path}' contains '/', which names tensors in the file`);
      out[k] = split(fn, x, `${path}/${k}`, tensors);
    }
    return out;
  }
  return fail(fn, `'${path}' is a ${typeof v}; checkpoints hold plain records, arrays, numbers and Float64Arrays`);
}

function join(fn: string, s: Skeleton, tensors: Record<string, { data: Float64Array | Float32Array; shape: number[] }>): unknown {
  if (Array.isArray(s)) return s.map((x) => join(fn, x, tensors));
  if (s === null || typeof s !== 'object') return s;
  const o = s as Record<string, unknown>;
  if (o.$undefined === true) return undefined;
  if (typeof o.$tensor === 'string') {
    const t = tensors[o.$tensor];
    if (t === undefined) fail(fn, `the checkpoint's tensors lack '${o.$tensor}'`);
    const data = t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
    return Array.isArray(o.shape) ? ndarray(data, o.shape as number[]) : data;
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, join(fn, x, tensors)]));
}

const name = (step: number) => `ckpt-${String(step).padStart(9, '0')}`;

let tmpCounter = 0;

/** Write a file atomically: a temporary name, fsync, rename. */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}-${++tmpCounter}`;
  const h = await fs.open(tmp, 'w');
  try {
    await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
  await fs.rename(tmp, path);
}

async function syncDir(dir: string): Promise<void> {
  const fs = await import('node:fs/promises');
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the renames are still atomic.
  }
}

/** The steps of the complete checkpoints in `dir` (both files present), ascending. */
export async function listCheckpoints(dir: string): Promise<number[]> {
  if (typeof dir !== 'string' || dir.length === 0) fail('listCheckpoints', `dir must be a folder path (got ${dir === null ? 'null' : typeof dir})`);
  const fs = await import('node:fs/promises');
  let files: string[];
  try {
    files = await fs.readdir(dir);
  } catch {
    return [];
  }
  const set = new Set(files);
  return files
    .map((f) => /^ckpt-(\d{9})\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null && set.has(`ckpt-${m[1]}.safetensors`))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * Write a checkpoint atomically into `dir` (created if needed) and keep only the last `keep`.
 * @example await saveCheckpoint('run/', { step, params, optimizerState: state, extra: { config } }, { keep: 3 })
 */
export async function saveCheckpoint(dir: string, data: CheckpointData, opts: { keep?: number } = {}): Promise<string> {
  const fn = 'saveCheckpoint';
  if (typeof dir !== 'string' || dir.length === 0) fail(fn, `dir must be a folder path (got ${dir === null ? 'null' : typeof dir})`);
  if (typeof data !== 'object' || data === null) fail(fn, 'data must be { step, params, optimizerState?, extra? }');
  const { step, params, optimizerState, extra } = data;
  if (!Number.isInteger(step) || step < 0 || step > 999_999_999) fail(fn, `data.step must be an integer in [0, 999999999] (got ${step})`);
  if (typeof params !== 'object' || params === null) fail(fn, 'data.params must be a record of parameters');
  const { keep = 3 } = readOptions(fn, opts, ['keep']);
  checkSize(fn, 'opts.keep', keep, 1);
  const tensors: Record<string, unknown> = {};
  const structure = { params: split(fn, params, 'params', tensors), optimizerState: split(fn, optimizerState, 'optimizer', tensors) };
  let extraJson: string;
  try {
    extraJson = JSON.stringify(extra ?? {});
  } catch (e) {
    return fail(fn, `data.extra must be JSON-serialisable: ${(e as Error).message}`);
  }
  const fs = await import('node:fs/promises');
  const { join: joinPath } = await import('node:path');
  await fs.mkdir(dir, { recursive: true });
  const base = joinPath(dir, name(step));
  await writeAtomic(`${base}.safetensors`, encodeSafetensors(tensors, { metadata: { format: 'ddsp-checkpoint/1', step: String(step) } }));
  const meta = `{"format":"ddsp-checkpoint/1","step":${step},"structure":${JSON.stringify(structure)},"extra":${extraJson}}\n`;
  await writeAtomic(`${base}.json`, new TextEncoder().encode(meta));
  await syncDir(dir);
  for (const old of (await listCheckpoints(dir)).slice(0, -keep)) {
    for (const ext of ['.json', '.safetensors']) await fs.rm(joinPath(dir, name(old) + ext), { force: true });
  }
  return `${base}.safetensors`;
}

/**
 * The latest complete checkpoint in `dir` (or the one of `step`), or undefined if there is none.
 * @example const ck = await loadCheckpoint('run/'); if (ck) ({ params, step } = ck);
 */
export async function loadCheckpoint<P extends Params = Params>(dir: string, step?: number): Promise<CheckpointData<P> | undefined> {
  const fn = 'loadCheckpoint';
  if (typeof dir !== 'string' || dir.length === 0) fail(fn, `dir must be a folder path (got ${dir === null ? 'null' : typeof dir})`);
  if (step !== undefined && (!Number.isInteger(step) || step < 0)) fail(fn, `step must be a non-negative integer (got ${step})`);
  const steps = await listCheckpoints(dir);
  if (step !== undefined && !steps.includes(step)) fail(fn, `no complete checkpoint of step ${step} in '${dir}' (have: ${steps.join(', ') || 'none'})`);
  const s = step ?? steps[steps.length - 1];
  if (s === undefined) return undefined;
  const fs = await import('node:fs/promises');
  const { join: joinPath } = await import('node:path');
  const base = joinPath(dir, name(s));
  let meta: { format?: string; step: number; structure: { params: Skeleton; optimizerState: Skeleton }; extra: Record<string, unknown> };
  try {
    meta = JSON.parse(await fs.readFile(`${base}.json`, 'utf8'));
  } catch (e) {
    return fail(fn, `'${base}.json': ${(e as Error).message}`);
  }
  if (meta.format !== 'ddsp-checkpoint/1') fail(fn, `'${base}.json' is not a ddsp checkpoint (format ${JSON.stringify(meta.format)})`);
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(new Uint8Array(await fs.readFile(`${base}.safetensors`)));
  } catch (e) {
    return fail(fn, `'${base}.safetensors': ${(e as Error).message}`);
  }
  return {
    step: meta.step,
    params: join(fn, meta.structure.params, decoded.tensors) as P,
    optimizerState: join(fn, meta.structure.optimizerState, decoded.tensors),
    extra: meta.extra,
  };
}
