/**
 * The autoencoder's training data: examples cut from a recording with their features, and the
 * seeded batch order. Pure functions (any runtime, browsers included); training itself is
 * `trainAutoencoder` in `ddsp/node`.
 */
import ndarray from 'ndarray';
import { checkSignal, checkSize, fail, readOptions, within } from '../core/errors.ts';
import { preprocess } from '../nn/autoencoder.ts';
import { presets, type ModelPreset } from '../nn/decoder.ts';
import type { AutoencoderExample } from './autoencoderTask.ts';

export type { AutoencoderExample };

/** @internal A preset named or given. */
export function presetOf(fn: string, p: unknown): ModelPreset {
  if (typeof p === 'string') {
    const q = (presets as Record<string, ModelPreset>)[p];
    if (q === undefined) fail(fn, `opts.preset: unknown preset '${p}' (known: ${Object.keys(presets).join(', ')})`);
    return q;
  }
  if (typeof p !== 'object' || p === null) fail(fn, `opts.preset must be a preset name (${Object.keys(presets).join(', ')}) or a preset object`);
  return p as ModelPreset;
}

export interface AutoencoderExamplesOptions {
  /** The model the examples are for: its sampleRate, frameRate and nSamples (a name in nn.presets or a preset). */
  preset: keyof typeof presets | ModelPreset;
  /** f0 in Hz per frame at the preset's frame rate (e.g. pYIN with fill: 'nearest'). */
  f0Hz: Float64Array;
  /** Loudness in dB per frame at the preset's frame rate (spectral.loudness). */
  loudnessDb: Float64Array;
  /** Seconds between window starts. Default 1 (DDSP's 4-s windows with a 1-s hop). */
  hopSeconds?: number;
}

/**
 * Cut a recording and its per-frame features into the preset's windows (nSamples each, every
 * hopSeconds), preprocessed as DDSP's F0LoudnessPreprocessor.
 * @example
 *   const { f0Hz } = spectral.pyin(x, { frameRate: 250, fill: 'nearest' });
 *   const ex = train.autoencoderExamples(x, { preset: 'small', f0Hz, loudnessDb: spectral.loudness(x) });
 */
export function autoencoderExamples(audio: Float64Array, opts: AutoencoderExamplesOptions): AutoencoderExample[] {
  const fn = 'autoencoderExamples';
  checkSignal(fn, 'audio', audio);
  if (opts === undefined) fail(fn, 'opts { preset, f0Hz, loudnessDb } is required');
  const o = readOptions(fn, opts, ['preset', 'f0Hz', 'loudnessDb', 'hopSeconds']);
  const preset = presetOf(fn, o.preset);
  checkSignal(fn, 'opts.f0Hz', o.f0Hz);
  checkSignal(fn, 'opts.loudnessDb', o.loudnessDb);
  const hopSeconds = o.hopSeconds ?? 1;
  if (typeof hopSeconds !== 'number' || !(hopSeconds > 0 && hopSeconds < 1e6)) fail(fn, `opts.hopSeconds must be a positive number of seconds (got ${hopSeconds})`);
  const hop = preset.sampleRate / preset.frameRate; // samples per frame
  const T = preset.nSamples / hop;
  if (!Number.isInteger(hop) || !Number.isInteger(T)) fail(fn, 'opts.preset: nSamples and sampleRate/frameRate must give whole frames');
  const step = Math.round((hopSeconds * preset.frameRate));
  if (step < 1) fail(fn, `opts.hopSeconds ${hopSeconds} is less than one frame`);
  const frames = Math.min(o.f0Hz.length, o.loudnessDb.length);
  if (o.f0Hz.length < Math.floor(audio.length / hop)) fail(fn, `opts.f0Hz has ${o.f0Hz.length} frames; audio of ${audio.length} samples needs ${Math.floor(audio.length / hop)} at ${preset.frameRate} frames/s`);
  if (o.loudnessDb.length < Math.floor(audio.length / hop)) fail(fn, `opts.loudnessDb has ${o.loudnessDb.length} frames; audio of ${audio.length} samples needs ${Math.floor(audio.length / hop)} at ${preset.frameRate} frames/s`);
  for (let i = 0; i < o.f0Hz.length; i++) if (!(o.f0Hz[i] > 0)) fail(fn, `opts.f0Hz[${i}] is ${o.f0Hz[i]}; f0 must be positive everywhere (fill unvoiced frames, e.g. pyin's fill: 'nearest')`);
  const out: AutoencoderExample[] = [];
  for (let j = 0; j + T <= frames && j * hop + preset.nSamples <= audio.length; j += step) {
    const f0 = o.f0Hz.slice(j, j + T);
    const s = within(fn, () => preprocess(ndarray(f0, [T, 1]), ndarray(o.loudnessDb.slice(j, j + T), [T, 1])));
    out.push({
      f0_scaled: Float64Array.from(s.f0_scaled.data as ArrayLike<number>),
      ld_scaled: Float64Array.from(s.ld_scaled.data as ArrayLike<number>),
      f0_hz: f0,
      audio: audio.slice(j * hop, j * hop + preset.nSamples),
    });
  }
  if (out.length === 0) fail(fn, `audio of ${(audio.length / preset.sampleRate).toFixed(2)} s is shorter than one example (${preset.nSamples / preset.sampleRate} s)`);
  return out;
}

/** The example indices of step `step`: consecutive slices of seeded per-epoch permutations. */
export function batchIndices(step: number, batchSize: number, n: number, seed = 0): number[] {
  const fn = 'batchIndices';
  checkSize(fn, 'step', step, 0);
  checkSize(fn, 'batchSize', batchSize, 1);
  checkSize(fn, 'n', n, 1);
  if (!Number.isInteger(seed)) fail(fn, `seed must be an integer (got ${seed})`);
  const out: number[] = [];
  for (let k = 0; k < batchSize; k++) {
    const g = step * batchSize + k;
    const epoch = Math.floor(g / n);
    out.push(permutation(n, seed, epoch)[g % n]);
  }
  return out;
}

const perms = new Map<string, Int32Array>();
function permutation(n: number, seed: number, epoch: number): Int32Array {
  const key = `${n}/${seed}/${epoch}`;
  let p = perms.get(key);
  if (p === undefined) {
    p = Int32Array.from({ length: n }, (_, i) => i);
    let s = (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
    for (let i = n - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = Math.floor((s / 4294967296) * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    if (perms.size > 64) perms.clear();
    perms.set(key, p);
  }
  return p;
}

