/**
 * `ddsp/worklet`: an AudioWorklet processor, 'ddsp-harmonic-noise', that plays DDSP's
 * harmonic-plus-noise model from control frames sent by the main thread (realtime.harmonicNoiseVoice
 * inside, 128-sample render quanta, nothing allocated in process()). Load it in the audio thread:
 *
 *   await ctx.audioWorklet.addModule(workletUrl);          // this module, bundled (esbuild, Vite …)
 *   const node = new AudioWorkletNode(ctx, 'ddsp-harmonic-noise', {
 *     outputChannelCount: [1],
 *     processorOptions: { hop: 192, nHarmonics: 60, nBands: 65, frames },   // frames: optional, queued at once
 *   });
 *   node.port.postMessage({ type: 'frames', amplitude, distribution, f0Hz, noise });   // more frames, any time
 *
 * Frames are flat Float64Arrays as Voice.push takes them (amplitude [n], distribution [n·K], f0Hz [n],
 * noise [n·B]). With a trained decoder (processorOptions.decoder: { preset, params }, as training
 * returns them), send features instead — { type: 'features', f0Hz, loudnessDb } at the preset's frame
 * rate — and the processor decodes them frame by frame (realtime.decoderStepper, GRU state carried)
 * into the voice; nHarmonics, nBands, hop and (when the preset has one) the reverb IR then come from
 * the preset and parameters. `reverbIr` adds DDSP's reverb to a voice without a decoder. The processor answers
 * { type: 'pushed', taken, queued } to each message and { type: 'error', message } to a bad one; it
 * outputs silence while no frames are queued.
 */
import type { ModelPreset } from '../nn/decoder.ts';
import { decoderStepper, type DecoderStepper } from './decoder.ts';
import { harmonicNoiseVoice, type Voice, type VoiceOptions } from './voice.ts';

/** The AudioWorkletGlobalScope names this module uses (not in TypeScript's default libraries). */
interface WorkletScope {
  sampleRate: number;
  AudioWorkletProcessor: new () => { readonly port: { onmessage: ((e: { data: unknown }) => void) | null; postMessage(m: unknown): void } };
  registerProcessor(name: string, ctor: unknown): void;
}

export interface WorkletFrames {
  amplitude: Float64Array;
  distribution: Float64Array;
  f0Hz: Float64Array;
  noise?: Float64Array;
}

export interface WorkletFeatures {
  f0Hz: Float64Array;
  loudnessDb: Float64Array;
}

export interface WorkletProcessorOptions extends Partial<Omit<VoiceOptions, 'sampleRate'>> {
  /** Frames queued before the first render quantum (e.g. a whole phrase for an OfflineAudioContext). */
  frames?: WorkletFrames;
  /** A trained decoder: its preset and parameters ({ decoder, … } as training returns them). */
  decoder?: { preset: ModelPreset; params: unknown };
  /** With a decoder: features decoded before the first render quantum. */
  features?: WorkletFeatures;
}

/** The processor's name in registerProcessor. */
export const PROCESSOR_NAME = 'ddsp-harmonic-noise';

const scope = globalThis as unknown as WorkletScope;

if (typeof scope.AudioWorkletProcessor === 'function' && typeof scope.registerProcessor === 'function') {
  class HarmonicNoiseProcessor extends scope.AudioWorkletProcessor {
    private readonly voice: Voice;
    private readonly decoder: DecoderStepper | null;

    constructor(options?: { processorOptions?: WorkletProcessorOptions }) {
      super();
      const { frames, decoder, features, ...voiceOptions } = options?.processorOptions ?? ({} as WorkletProcessorOptions);
      this.decoder = decoder ? decoderStepper(decoder.preset, decoder.params) : null;
      // A trained model's reverb IR comes with its parameters (params.reverb.ir) when its preset has one.
      const trainedIr = decoder && decoder.preset.reverbLength > 0 ? (decoder.params as { reverb?: { ir?: Float64Array } })?.reverb?.ir : undefined;
      const fromPreset = decoder
        ? { hop: scope.sampleRate / decoder.preset.frameRate, nHarmonics: this.decoder?.nHarmonics, nBands: this.decoder?.nBands, windowSize: decoder.preset.noiseWindowSize, ...(trainedIr ? { reverbIr: trainedIr } : {}) }
        : {};
      this.voice = harmonicNoiseVoice({ capacity: 4096, ...voiceOptions, ...fromPreset, sampleRate: scope.sampleRate } as VoiceOptions);
      if (frames) this.voice.push(frames.amplitude, frames.distribution, frames.f0Hz, frames.noise);
      if (features) this.decode(features);
      this.port.onmessage = (e) => {
        const m = e.data as { type?: string } & Partial<WorkletFrames> & Partial<WorkletFeatures>;
        try {
          let taken: number;
          if (m?.type === 'frames') taken = this.voice.push(m.amplitude as Float64Array, m.distribution as Float64Array, m.f0Hz as Float64Array, m.noise);
          else if (m?.type === 'features') taken = this.decode(m as WorkletFeatures);
          else throw new Error(`unknown message type ${String(m?.type)}; send { type: 'frames', amplitude, distribution, f0Hz, noise } or, with a decoder, { type: 'features', f0Hz, loudnessDb }`);
          this.port.postMessage({ type: 'pushed', taken, queued: this.voice.queued });
        } catch (err) {
          this.port.postMessage({ type: 'error', message: (err as Error).message });
        }
      };
    }

    /** Decode features frame by frame into the voice; returns the frames queued. */
    private decode(f: WorkletFeatures): number {
      if (!this.decoder) throw new Error("features need a decoder: pass processorOptions.decoder { preset, params }");
      if (f.f0Hz?.length !== f.loudnessDb?.length) throw new Error('features: f0Hz and loudnessDb must have one value per frame each');
      let taken = 0;
      for (let j = 0; j < f.f0Hz.length; j++) {
        if (this.voice.queued >= this.voice.capacity) break; // full: the rest is not decoded (the GRU state stays in step)
        const c = this.decoder.step(f.f0Hz[j], f.loudnessDb[j]);
        taken += this.voice.push(c.amplitude, c.distribution, c.f0Hz, c.noise);
      }
      return taken;
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      const out = outputs[0]?.[0];
      if (out === undefined) return true;
      const n = this.voice.render(out, 0, out.length);
      if (n < out.length) out.fill(0, n);
      for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
      return true;
    }
  }
  scope.registerProcessor(PROCESSOR_NAME, HarmonicNoiseProcessor);
}
