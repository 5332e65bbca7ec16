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
 * noise [n·B]). The processor answers { type: 'pushed', taken, queued } to each message and
 * { type: 'error', message } to a bad one; it outputs silence while no frames are queued.
 */
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

export interface WorkletProcessorOptions extends Omit<VoiceOptions, 'sampleRate'> {
  /** Frames queued before the first render quantum (e.g. a whole phrase for an OfflineAudioContext). */
  frames?: WorkletFrames;
}

/** The processor's name in registerProcessor. */
export const PROCESSOR_NAME = 'ddsp-harmonic-noise';

const scope = globalThis as unknown as WorkletScope;

if (typeof scope.AudioWorkletProcessor === 'function' && typeof scope.registerProcessor === 'function') {
  class HarmonicNoiseProcessor extends scope.AudioWorkletProcessor {
    private readonly voice: Voice;

    constructor(options?: { processorOptions?: WorkletProcessorOptions }) {
      super();
      const { frames, ...voiceOptions } = options?.processorOptions ?? ({} as WorkletProcessorOptions);
      this.voice = harmonicNoiseVoice({ capacity: 4096, ...voiceOptions, sampleRate: scope.sampleRate });
      if (frames) this.voice.push(frames.amplitude, frames.distribution, frames.f0Hz, frames.noise);
      this.port.onmessage = (e) => {
        const m = e.data as { type?: string } & Partial<WorkletFrames>;
        try {
          if (m?.type !== 'frames') throw new Error(`unknown message type ${String(m?.type)}; send { type: 'frames', amplitude, distribution, f0Hz, noise }`);
          const taken = this.voice.push(m.amplitude as Float64Array, m.distribution as Float64Array, m.f0Hz as Float64Array, m.noise);
          this.port.postMessage({ type: 'pushed', taken, queued: this.voice.queued });
        } catch (err) {
          this.port.postMessage({ type: 'error', message: (err as Error).message });
        }
      };
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
