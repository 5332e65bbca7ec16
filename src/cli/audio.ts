/** Reading audio files for the command line: WAV decoded strictly, mixed to mono, resampled with anti-aliasing. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { toMono } from '../io/wav.ts';
import { decodeAudio } from '../io/decode.ts';
import { resampleAudio } from '../spectral/resample.ts';

export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.mp3', '.flac', '.ogg', '.oga', '.opus', '.aif', '.aiff', '.m4a'];

/** Mono audio at `sampleRate`; throws an Error that names the file and what to do. */
export async function loadAudio(path: string, sampleRate: number): Promise<{ audio: Float64Array; sourceRate: number; seconds: number }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`${path}: cannot read it (${(e as Error).message})`);
  }
  let wav;
  try {
    wav = await decodeAudio(bytes);
  } catch (e) {
    const ext = extname(path).toLowerCase();
    throw new Error(`${path}: ${(e as Error).message.replace(/^decodeAudio: /, '')}${ext && !['.wav', '.wave', '.mp3', '.flac', '.ogg', '.oga'].includes(ext) ? ` (${ext} files: convert to WAV, e.g. ffmpeg -i '${path}' out.wav)` : ''}`);
  }
  const mono = toMono(wav.channels);
  const audio = wav.sampleRate === sampleRate ? mono : resampleAudio(mono, wav.sampleRate, sampleRate);
  return { audio, sourceRate: wav.sampleRate, seconds: mono.length / wav.sampleRate };
}
