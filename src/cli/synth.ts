/**
 * `ddsp resynth run/ input.wav -o out.wav` and `ddsp transfer run/ voice.wav -o violin.wav`: the
 * trained model played from the input's f0 and loudness (pYIN and DDSP's loudness at the model's
 * frame rate). Transfer first applies the timbre-transfer colab's steps: with --auto-adjust, shift
 * f0 by whole octaves toward the dataset's mean pitch and map the loudness of voiced frames through
 * the input's quantiles onto the dataset's; lower unvoiced frames by --quiet-db; then the manual
 * --octave-shift and --loudness-shift.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ndarray from 'ndarray';
import { hzToMidi } from '../core/units.ts';
import { encodeWav } from '../io/wav.ts';
import { writeAtomic } from '../train/checkpoint.ts';
import { linePlotSvg, spectrogramFigure } from '../io/figures.ts';
import { svgToPng } from '../node/files.ts';
import { autoencoderSynth, preprocess } from '../nn/autoencoder.ts';
import { loudnessL1 } from '../nn/metrics.ts';
import { loudness } from '../spectral/features.ts';
import { pyin } from '../spectral/pitch.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
import { loadAudio } from './audio.ts';
import type { RunConfig } from './trainCmd.ts';

export interface SynthCmdOptions {
  run: string;
  input: string;
  output: string;
  transfer?: { octaveShift: number; loudnessShift: number; autoAdjust: boolean; quietDb: number };
  log: (line: string) => void;
}

export async function readRun(run: string): Promise<RunConfig> {
  try {
    return JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as RunConfig;
  } catch {
    throw new Error(`${run}: not a training run (no config.json); train one with ddsp train --data data/ --out ${run}`);
  }
}

/** Quantile of sorted values at q ∈ [0, 1], linear between order statistics. */
function quantileOf(sorted: Float64Array, q: number): number {
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  return i + 1 < sorted.length ? sorted[i] + (x - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

export interface SynthResult {
  seconds: number;
  loudnessL1: number;
  /** Mean and median |cents| of the output's f0 (pYIN) against the f0 played, over frames voiced in both. */
  f0Cents: number;
  f0MedianCents: number;
  f0Frames: number;
  octaves: number;
  /** The f0 the model played (after shifts) and the input's voicing. */
  played: Float64Array;
  voiced: Uint8Array;
}

export async function synthCmd(o: SynthCmdOptions): Promise<SynthResult> {
  const config = await readRun(o.run);
  const ck = await loadCheckpoint(o.run);
  if (ck === undefined) throw new Error(`${o.run}: no checkpoint yet; train first (ddsp train --out ${o.run})`);
  const preset = config.preset;
  const sr = preset.sampleRate;
  const hop = sr / preset.frameRate;
  const { audio: x0 } = await loadAudio(o.input, sr);
  const T = Math.floor(x0.length / hop);
  if (T < 1) throw new Error(`${o.input}: shorter than one frame`);
  const x = x0.subarray(0, T * hop);
  const track = pyin(x, { sampleRate: sr, frameRate: preset.frameRate, fMin: 40, fMax: 2000, fill: 'nearest' });
  const f0 = track.f0Hz.slice(0, T);
  for (let i = 0; i < T; i++) if (!(f0[i] > 0)) f0[i] = 100;
  const ld = loudness(x, { sampleRate: sr, frameRate: preset.frameRate }).slice(0, T);
  let octaves = 0;
  if (o.transfer) {
    const t = o.transfer;
    const voiced = Array.from({ length: T }, (_, i) => track.voiced[i] === 1);
    if (t.autoAdjust && voiced.some(Boolean) && config.statistics.frames > 0) {
      const midi = hzToMidi(f0);
      let m = 0;
      let n = 0;
      for (let i = 0; i < T; i++) if (voiced[i]) {
        m += midi[i];
        n++;
      }
      // The colab's rounding of the octave difference: floor above 1.5 octaves, else ceil.
      const diff = (config.statistics.pitch.mean - m / n) / 12;
      octaves = diff > 1.5 ? Math.floor(diff) : Math.ceil(diff);
      // Loudness of voiced frames: the input's quantile → the dataset's loudness at that quantile.
      const mine = Float64Array.from(ld.filter((_, i) => voiced[i])).sort();
      const q = Float64Array.from(config.statistics.loudness.quantiles);
      for (let i = 0; i < T; i++) {
        if (!voiced[i]) continue;
        let lo = 0;
        let hi = mine.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (mine[mid] < ld[i]) lo = mid + 1;
          else hi = mid;
        }
        const rank = mine.length > 1 ? lo / (mine.length - 1) : 0.5;
        ld[i] = quantileOf(q, rank);
      }
    }
    for (let i = 0; i < T; i++) if (!voiced[i]) ld[i] -= t.quietDb;
    octaves += t.octaveShift;
    for (let i = 0; i < T; i++) {
      f0[i] = Math.min(f0[i] * 2 ** octaves, 440 * 2 ** ((110 - 69) / 12));
      ld[i] += t.loudnessShift;
    }
  }
  const s = preprocess(ndarray(f0, [T, 1]), ndarray(ld, [T, 1]));
  const synth = autoencoderSynth({ preset: { ...preset, nSamples: T * hop } });
  const y = (synth.forward({
    f0_scaled: ndarray(Float64Array.from(s.f0_scaled.data as ArrayLike<number>), [1, T, 1]),
    ld_scaled: ndarray(Float64Array.from(s.ld_scaled.data as ArrayLike<number>), [1, T, 1]),
    f0_hz: ndarray(f0, [1, T, 1]),
  } as never, ck.params) as Float64Array[])[0];
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new Error(`the model produced a non-finite sample at ${i}; the checkpoint in ${o.run} may be corrupt`);
  await writeAtomic(o.output, encodeWav(y, sr));
  const lL1 = loudnessL1(x, y, { sampleRate: sr, frameRate: preset.frameRate });
  // f0 of the output (re-tracked) against the f0 it was played from, where both are voiced.
  const ty = pyin(y, { sampleRate: sr, frameRate: preset.frameRate, fMin: 40, fMax: 2000 });
  const errs: number[] = [];
  for (let i = 0; i < T; i++) if (track.voiced[i] && ty.voiced[i]) errs.push(Math.abs(1200 * Math.log2(ty.f0Hz[i] / f0[i])));
  const cn = errs.length;
  const cents = cn > 0 ? errs.reduce((a, b) => a + b, 0) / cn : NaN;
  const medianCents = cn > 0 ? errs.sort((a, b) => a - b)[cn >> 1] : NaN;
  // Figures beside the audio: spectrograms, f0 and loudness of input and output (SVG and PNG).
  const base = o.output.replace(/\.wav$/i, '');
  const what = o.transfer ? 'timbre transfer' : 'resynthesis';
  const times = Array.from({ length: T }, (_, i) => i / preset.frameRate);
  const f0In = Array.from(track.f0Hz.subarray(0, T), (v, i) => (track.voiced[i] ? v : NaN));
  const f0Out = Array.from(ty.f0Hz.subarray(0, T), (v, i) => (ty.voiced[i] ? v : NaN));
  const ldOut = loudness(y, { sampleRate: sr, frameRate: preset.frameRate }).subarray(0, T);
  const figures: [string, string][] = [
    [`${base}.spectrogram`, await spectrogramFigure([{ title: `input: ${o.input}`, audio: x }, { title: `${what}: ${o.output}`, audio: y }], { sampleRate: sr })],
    [`${base}.f0`, linePlotSvg([{ name: 'input (pYIN)', x: times, y: f0In }, ...(o.transfer ? [{ name: 'played (shifted)', x: times, y: Array.from(f0, (v, i) => (track.voiced[i] ? v : NaN)) }] : []), { name: 'output (pYIN)', x: times, y: f0Out }], { title: `f0, ${what}`, xLabel: 'time (s)', yLabel: 'f0 (Hz)', yLog: true })],
    [`${base}.loudness`, linePlotSvg([{ name: 'input', x: times, y: loudness(x, { sampleRate: sr, frameRate: preset.frameRate }).subarray(0, T) }, ...(o.transfer ? [{ name: 'played (adjusted)', x: times, y: ld }] : []), { name: 'output', x: times, y: ldOut }], { title: `loudness, ${what}`, xLabel: 'time (s)', yLabel: 'loudness (dB, A-weighted)' })],
  ];
  for (const [name, svg] of figures) {
    await writeAtomic(`${name}.svg`, new TextEncoder().encode(svg));
    await writeAtomic(`${name}.png`, await svgToPng(svg));
  }
  o.log(`${o.transfer ? 'transfer' : 'resynth'}: ${o.input} (${(x.length / sr).toFixed(2)} s) → ${o.output} with ${o.run} at step ${ck.step}${o.transfer ? `, f0 shifted ${octaves} octave${Math.abs(octaves) === 1 ? '' : 's'}` : ''}; loudness L1 ${lL1.toFixed(2)} dB, f0 L1 ${cents.toFixed(1)} cents (median ${medianCents.toFixed(1)}) against the f0 it was played from (${cn} frames); figures ${base}.{spectrogram,f0,loudness}.{svg,png}`);
  return { seconds: x.length / sr, loudnessL1: lL1, f0Cents: cents, f0MedianCents: medianCents, f0Frames: cn, octaves, played: f0, voiced: track.voiced.slice(0, T) };
}
