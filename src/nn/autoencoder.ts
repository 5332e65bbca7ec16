/**
 * DDSP's autoencoder (solo-instrument form) as one Node, batch-first:
 *   features [B, T, 1] → preprocessor (f0_scaled = hzToMidi(f0)/127, ld_scaled = loudness/80 + 1)
 *   → RnnFcDecoder → per example: Harmonic(amps, harmonic_distribution, f0) + FilteredNoise(noise)
 *   → (trainable Reverb) → audio → multi-scale spectral loss against the example's audio,
 *   averaged over the batch.
 * Parameters: { decoder: …, reverb: { ir } } (the reverb shared by every example, as DDSP's).
 * The features and the target audio are data: the loss's gradient is with respect to the parameters.
 */
import { checkPositive, checkSize, fail, readOptions } from '../core/errors.ts';
import { frames, type Frames } from '../core/frames.ts';
import type { Cotangent, Params, Tree } from '../core/tree.ts';
import { hzToMidi } from '../core/units.ts';
import { spectralLoss, spectralLossValueAndGrad, type SpectralLossOptions } from '../losses/spectralLoss.ts';
import { loudness } from '../spectral/features.ts';
import type { Node } from '../graph/node.ts';
import { batch, fanout, named, pick, seq } from '../graph/combinators.ts';
import { processorGroup, initParams as initGroupParams } from '../graph/dag.ts';
import { guardNode } from '../graph/guard.ts';
import { initRnnFcDecoder, rnnFcDecoder, type ModelPreset } from './decoder.ts';
import { readRows, type Tensor } from './tensor.ts';
import ndarray from 'ndarray';

/** DDSP's loss for the solo instrument: L1 on magnitudes and log magnitudes at six FFT sizes. */
export const DDSP_LOSS: SpectralLossOptions = { fftSizes: [2048, 1024, 512, 256, 128, 64], magWeight: 1, logmagWeight: 1 };

export interface AutoencoderOptions {
  /** The model: decoder, frame rate, example length, reverb (see nn.presets). */
  preset: ModelPreset;
  /** The spectral loss. Default DDSP's (L1, mag + logmag, FFT sizes 2048 … 64). */
  loss?: SpectralLossOptions;
}

/** The number of frames of one example under a preset (nSamples·frameRate/sampleRate). */
export function framesPerExample(preset: ModelPreset): number {
  return framesOf('framesPerExample', preset);
}

function framesOf(fn: string, preset: ModelPreset): number {
  if (typeof preset !== 'object' || preset === null) fail(fn, `preset must be a model preset like nn.presets.small (got ${preset === null ? 'null' : typeof preset})`);
  checkSize(fn, 'preset.nSamples', preset.nSamples, 1);
  checkPositive(fn, 'preset.frameRate', preset.frameRate);
  checkPositive(fn, 'preset.sampleRate', preset.sampleRate);
  const T = (preset.nSamples * preset.frameRate) / preset.sampleRate;
  if (!Number.isInteger(T)) fail(fn, `preset: nSamples·frameRate/sampleRate must be a whole number of frames (got ${T})`);
  return T;
}

/**
 * DDSP's F0LoudnessPreprocessor: f0_scaled = hzToMidi(f0)/127, ld_scaled = loudness/80 + 1,
 * for [B, T, 1] (or [T, 1]) tensors of f0 in Hz and loudness in dB.
 */
export function preprocess(f0Hz: Tensor, loudnessDb: Tensor): { f0_scaled: Tensor; ld_scaled: Tensor } {
  const fn = 'preprocess';
  const F = readRows(fn, 'f0Hz', f0Hz);
  const L = readRows(fn, 'loudnessDb', loudnessDb);
  if (F.c !== 1 || L.c !== 1 || F.rows !== L.rows) fail(fn, `f0Hz and loudnessDb must both be [B, T, 1] of the same size (got [${F.shape.join(', ')}] and [${L.shape.join(', ')}])`);
  const m = hzToMidi(F.data);
  return {
    f0_scaled: ndarray(m.map((v) => v / 127), F.shape.slice()),
    ld_scaled: ndarray(L.data.map((v) => v / 80 + 1), L.shape.slice()),
  };
}

/**
 * Loudness (DDSP v3, A-weighted, dB) of each example at the preset's frame rate, as DDSP's
 * preprocessor recomputes it from the audio: the centred frames' last one (N/hop + 1) dropped.
 */
export function loudnessFeature(audio: readonly Float64Array[], preset: ModelPreset): Tensor {
  const fn = 'loudnessFeature';
  if (!Array.isArray(audio) || audio.length === 0) fail(fn, 'audio must be a non-empty array of Float64Arrays (one per example)');
  const T = framesOf(fn, preset);
  const out = new Float64Array(audio.length * T);
  audio.forEach((a, b) => {
    if (!(a instanceof Float64Array) || a.length !== preset.nSamples) fail(fn, `audio[${b}] must be a Float64Array of ${preset.nSamples} samples`);
    const ld = loudness(a, { sampleRate: preset.sampleRate, frameRate: preset.frameRate });
    out.set(ld.subarray(0, T), b * T);
  });
  return ndarray(out, [audio.length, T, 1]);
}

export function readPreset(fn: string, o: AutoencoderOptions): { preset: ModelPreset; loss: SpectralLossOptions; T: number } {
  if (o === undefined) fail(fn, 'opts { preset } is required, e.g. { preset: nn.presets.small }');
  const { preset, loss = DDSP_LOSS } = readOptions(fn, o, ['preset', 'loss']);
  if (typeof preset !== 'object' || preset === null) fail(fn, 'opts.preset must be a model preset (see nn.presets)');
  checkSize(fn, 'opts.preset.reverbLength', preset.reverbLength, 0);
  return { preset, loss, T: framesOf(fn, preset) };
}

/** The synthesis DAG of one example (DDSP's ProcessorGroup for the solo instrument). */
function synthGroup(preset: ModelPreset): Node {
  return processorGroup({
    dag: [
      { processor: { type: 'harmonic', options: { nSamples: preset.nSamples, sampleRate: preset.sampleRate } }, inputs: ['amps', 'harmonic_distribution', 'f0_hz'] },
      { processor: { type: 'filteredNoise', options: { nSamples: preset.nSamples, windowSize: preset.noiseWindowSize } }, inputs: ['noise_magnitudes'] },
      { processor: { type: 'add' }, inputs: ['harmonic/signal', 'filteredNoise/signal'] },
      ...(preset.reverbLength > 0 ? [{ processor: { type: 'reverb', options: { irLength: preset.reverbLength } }, inputs: ['add/signal'] }] : []),
    ],
  });
}

/** [B, T, C] tensors (and f0_hz) → one record of [T, C] frames per example; the pullback re-stacks. */
function unbatch(keys: readonly string[]): Node {
  const split = (x: Tree) => {
    const r = x as Record<string, Tensor>;
    const shapes = keys.map((k) => r[k].shape);
    const B = shapes[0][0];
    return Array.from({ length: B }, (_, b) => Object.fromEntries(keys.map((k, i) => {
      const [, T, C] = shapes[i];
      return [k, frames(r[k].data.slice(b * T * C, (b + 1) * T * C), T, C)];
    })));
  };
  return {
    name: 'unbatch',
    forward: (x) => split(x) as unknown as Tree,
    vjp: (x) => {
      const r = x as Record<string, Tensor>;
      return [split(x) as unknown as Tree, (g) => {
        if (g === undefined) return [undefined, undefined];
        const gs = g as readonly Record<string, Cotangent>[];
        const out: Record<string, Cotangent> = {};
        for (const k of keys) {
          const [B, T, C] = r[k].shape;
          const d = new Float64Array(B * T * C);
          gs.forEach((ge, b) => {
            const v = ge?.[k] as Frames | undefined;
            if (v !== undefined) d.set(v.data, b * T * C);
          });
          out[k] = ndarray(d, [B, T, C]) as unknown as Cotangent;
        }
        return [out, undefined];
      }];
    },
  };
}

/** Mean over the batch of the spectral loss of [audio[], target[]]; targets are data. */
function batchLoss(loss: SpectralLossOptions): Node {
  const evaluate = (x: Tree, withGrad: boolean) => {
    const [values, targets] = x as unknown as [Float64Array[], Float64Array[]];
    if (!Array.isArray(targets) || targets.length !== values.length) fail('autoencoder', `the input needs one target audio per example (${values.length}) in 'audio'`);
    let total = 0;
    const grads: Float64Array[] = [];
    values.forEach((v, b) => {
      if (withGrad) {
        const r = spectralLossValueAndGrad(targets[b], v, loss);
        total += r.value;
        grads.push(r.grad.map((d) => d / values.length));
      } else total += spectralLoss(targets[b], v, loss)[0];
    });
    return { value: Float64Array.of(total / values.length), grads };
  };
  return {
    name: 'spectralLoss',
    forward: (x) => evaluate(x, false).value,
    vjp: (x) => {
      const { value, grads } = evaluate(x, true);
      return [value, (g) => [g === undefined ? undefined : [grads.map((d) => d.map((v) => v * (g as Float64Array)[0])), undefined], undefined]];
    },
  };
}

/**
 * The synthesizer half: { f0_scaled, ld_scaled, f0_hz } ([B, T, 1] each) → one audio per example.
 * Parameters { decoder, reverb }.
 */
export function autoencoderSynth(opts: AutoencoderOptions): Node {
  const { preset } = readPreset('autoencoderSynth', opts);
  return guardNode('autoencoderSynth', synthesisNode(preset));
}

/** Decoder (run once) → per-example controls → the synthesis group of each example. */
function synthesisNode(preset: ModelPreset): Node {
  const keys = preset.decoder.inputKeys;
  const decoded = fanout({
    dec: seq(fanout(Object.fromEntries(keys.map((k) => [k, pick(k)]))), named('decoder', rnnFcDecoder(preset.decoder))),
    f0_hz: pick('f0_hz'),
  });
  // { dec: { amps, harmonic_distribution, noise_magnitudes }, f0_hz } → one flat record.
  const flatten: Node = {
    name: 'controls',
    forward: (x) => ({ ...((x as Record<string, Tree>).dec as Record<string, Tree>), f0_hz: (x as Record<string, Tree>).f0_hz }),
    vjp: (x) => {
      const r = x as Record<string, Tree>;
      return [{ ...(r.dec as Record<string, Tree>), f0_hz: r.f0_hz }, (g) => {
        if (g === undefined) return [undefined, undefined];
        const { f0_hz, ...rest } = g as Record<string, Cotangent>;
        return [{ dec: rest, f0_hz }, undefined];
      }];
    },
  };
  return seq(decoded, flatten, unbatch(['amps', 'harmonic_distribution', 'noise_magnitudes', 'f0_hz']), batch(synthGroup(preset)));
}

/**
 * The training loss: { f0_scaled, ld_scaled, f0_hz, audio: Float64Array[] } → [mean spectral loss].
 * @example
 *   const ae = autoencoder({ preset: nn.presets.small });
 *   const params = initAutoencoder({ preset: nn.presets.small }, 0);
 *   valueAndGrad(ae)({ ...preprocess(f0, ld), f0_hz: f0, audio }, params)
 */
export function autoencoder(opts: AutoencoderOptions): Node {
  const { preset, loss } = readPreset('autoencoder', opts);
  return guardNode('autoencoder', seq(fanout([synthesisNode(preset), pick('audio')]), batchLoss(loss)));
}

/** Seeded initial parameters: { decoder (Keras' initialisers), reverb: { ir: N(0, 1e-6) } }. */
export function initAutoencoder(opts: AutoencoderOptions, seed = 0): Params {
  const { preset } = readPreset('initAutoencoder', opts);
  if (!Number.isInteger(seed)) fail('initAutoencoder', `seed must be an integer (got ${seed})`);
  const group = initGroupParams(synthGroup(preset), seed + 1000);
  return { decoder: initRnnFcDecoder(preset.decoder, seed), ...group } as Params;
}
