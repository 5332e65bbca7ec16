/**
 * DDSP's evaluation metrics for a resynthesis against its target audio (ddsp/training/metrics.py):
 * the mean absolute difference of their loudness (dB, DDSP v3 A-weighted loudness), and of their
 * f0 in cents, each re-tracked from the audio (pYIN), over the frames both tracks call voiced.
 * Not differentiable: they are measurements.
 */
import { checkPositive, checkSignal, fail, readOptions, within } from '../core/errors.ts';
import { loudness } from '../spectral/features.ts';
import { pyin } from '../spectral/pitch.ts';

export interface MetricOptions {
  sampleRate?: number;
  /** Frames per second of both tracks. Default 250. */
  frameRate?: number;
  /** f0 search range for the re-tracking. Defaults 40 and 2000 Hz. */
  fMin?: number;
  fMax?: number;
  /** Frames count when pYIN calls both voiced with a voiced probability of at least this. Default 0.8. */
  confidence?: number;
}

function pair(fn: string, target: unknown, resynth: unknown): [Float64Array, Float64Array] {
  checkSignal(fn, 'target', target);
  checkSignal(fn, 'resynth', resynth);
  if (target.length !== resynth.length || target.length === 0) fail(fn, `target and resynth must have the same, non-zero length (got ${target.length} and ${resynth.length})`);
  return [target, resynth];
}

/** Mean |loudness(target) − loudness(resynth)| in dB over all frames. */
export function loudnessL1(target: Float64Array, resynth: Float64Array, opts: Pick<MetricOptions, 'sampleRate' | 'frameRate'> = {}): number {
  const fn = 'loudnessL1';
  const { sampleRate = 16000, frameRate = 250 } = readOptions(fn, opts, ['sampleRate', 'frameRate']);
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkPositive(fn, 'opts.frameRate', frameRate);
  const [a, b] = pair(fn, target, resynth);
  const la = within(fn, () => loudness(a, { sampleRate, frameRate }));
  const lb = within(fn, () => loudness(b, { sampleRate, frameRate }));
  let s = 0;
  for (let i = 0; i < la.length; i++) s += Math.abs(la[i] - lb[i]);
  return s / la.length;
}

/**
 * Mean |1200·log₂(f0(resynth)/f0(target))| in cents over the frames where both re-tracked f0s
 * are voiced with voiced probability ≥ opts.confidence; `frames` says how many that was (cents is 0 when there
 * was none: check frames before reading it).
 */
export function f0L1Cents(target: Float64Array, resynth: Float64Array, opts: MetricOptions = {}): { cents: number; frames: number } {
  const fn = 'f0L1Cents';
  const { sampleRate = 16000, frameRate = 250, fMin = 40, fMax = 2000, confidence = 0.8 } = readOptions(fn, opts, ['sampleRate', 'frameRate', 'fMin', 'fMax', 'confidence']);
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) fail(fn, `opts.confidence must be in [0, 1] (got ${confidence})`);
  const [a, b] = pair(fn, target, resynth);
  const ta = within(fn, () => pyin(a, { sampleRate, frameRate, fMin, fMax }));
  const tb = within(fn, () => pyin(b, { sampleRate, frameRate, fMin, fMax }));
  let s = 0;
  let n = 0;
  for (let i = 0; i < ta.f0Hz.length; i++) {
    if (ta.voiced[i] && tb.voiced[i] && ta.voicedProb[i] >= confidence && tb.voicedProb[i] >= confidence) {
      s += Math.abs(1200 * Math.log2(tb.f0Hz[i] / ta.f0Hz[i]));
      n++;
    }
  }
  return { cents: n > 0 ? s / n : 0, frames: n };
}
