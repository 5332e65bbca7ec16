/**
 * Decode audio files of any common format to float64 channels: WAV by our strict decoder, MP3
 * (mpg123-decoder), FLAC (@wasm-audio-decoders/flac) and Ogg Vorbis (@wasm-audio-decoders/ogg-vorbis)
 * by WebAssembly decoders, loaded only when such a file comes (they work in browsers too). The
 * format is told from the bytes, not the file name.
 */
import { fail } from '../core/errors.ts';
import { decodeWav, type Wav } from './wav.ts';

export type AudioFormat = 'wav' | 'mp3' | 'flac' | 'ogg';

/** The container/codec from the first bytes, or undefined. */
export function sniffAudio(bytes: Uint8Array): AudioFormat | undefined {
  if (!(bytes instanceof Uint8Array)) fail('sniffAudio', `bytes must be a Uint8Array (got ${bytes === null ? 'null' : typeof bytes})`);
  const s = (o: number, n: number) => String.fromCharCode(...bytes.subarray(o, o + n));
  if (bytes.length >= 12 && (s(0, 4) === 'RIFF' || s(0, 4) === 'RF64') && s(8, 4) === 'WAVE') return 'wav';
  if (bytes.length >= 4 && s(0, 4) === 'fLaC') return 'flac';
  if (bytes.length >= 4 && s(0, 4) === 'OggS') return 'ogg';
  if (bytes.length >= 3 && s(0, 3) === 'ID3') return 'mp3';
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0 && (bytes[1] & 0x06) !== 0) return 'mp3';
  return undefined;
}

interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors?: { message: string }[];
}

/**
 * @example const { sampleRate, channels } = await io.decodeAudio(new Uint8Array(await readFile('take.mp3')))
 */
export async function decodeAudio(bytes: Uint8Array): Promise<Wav & { format: AudioFormat }> {
  const fn = 'decodeAudio';
  if (!(bytes instanceof Uint8Array)) fail(fn, `bytes must be a Uint8Array (got ${bytes === null ? 'null' : typeof bytes})`);
  const format = sniffAudio(bytes);
  if (format === undefined) fail(fn, `not a WAV, MP3, FLAC or Ogg Vorbis file (first bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'none'})`);
  if (format === 'wav') {
    try {
      return { ...decodeWav(bytes), format };
    } catch (e) {
      return fail(fn, (e as Error).message.replace(/^decodeWav: /, ''));
    }
  }
  if (format === 'ogg' && bytes.length > 36 && String.fromCharCode(...bytes.subarray(28, 36)) === 'OpusHead') fail(fn, 'Ogg Opus is not supported (Ogg Vorbis is); convert the file to WAV or FLAC');
  let r: WasmDecoded;
  try {
    const d = format === 'mp3'
      ? new (await import('mpg123-decoder')).MPEGDecoder()
      : format === 'flac'
        ? new (await import('@wasm-audio-decoders/flac')).FLACDecoder()
        : new (await import('@wasm-audio-decoders/ogg-vorbis')).OggVorbisDecoder();
    await d.ready;
    try {
      r = (await ('decodeFile' in d && format !== 'mp3' ? (d as { decodeFile(b: Uint8Array): Promise<WasmDecoded> }).decodeFile(bytes) : (d as unknown as { decode(b: Uint8Array): WasmDecoded }).decode(bytes))) as WasmDecoded;
    } finally {
      d.free();
    }
  } catch (e) {
    return fail(fn, `the ${format.toUpperCase()} decoder failed: ${(e as Error).message}`);
  }
  if (r.samplesDecoded === 0 || r.channelData.length === 0) fail(fn, `no audio decoded from this ${format.toUpperCase()} file${r.errors?.length ? ` (${r.errors[0].message})` : ''}; is it truncated?`);
  const channels = r.channelData.map((c) => Float64Array.from(c.subarray(0, r.samplesDecoded)));
  for (const c of channels) for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i])) fail(fn, `sample ${i} decoded as ${c[i]}`);
  return { sampleRate: r.sampleRate, channels, bitDepth: format, format };
}
