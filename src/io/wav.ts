/**
 * WAV reading and writing over the `wavefile` package: PCM 8/16/24/32-bit and IEEE float
 * 32/64-bit, any channel count and sample rate. Samples come back as Float64Arrays in [−1, 1)
 * per channel (float files as stored). Malformed or truncated files get a DdspError.
 * File helpers (`readWav`, `writeWav`) load `node:fs` lazily, so the codec works in browsers too.
 */
import * as wavefileModule from 'wavefile';
import { checkInteger, fail } from '../core/errors.ts';

// wavefile ships ESM (named export) and CommonJS (default export); accept either.
type WaveFileClass = typeof import('wavefile').WaveFile;
const ns = wavefileModule as unknown as { WaveFile?: WaveFileClass; default?: { WaveFile: WaveFileClass } };
const WaveFile = (ns.WaveFile ?? ns.default?.WaveFile) as WaveFileClass;

export interface Wav {
  sampleRate: number;
  /** One Float64Array per channel. */
  channels: Float64Array[];
  /** The stored encoding: '8', '16', '24', '32' (PCM) or '32f', '64' (float). */
  bitDepth: string;
}

const PCM_SCALE: Record<string, number> = { '8': 128, '16': 32768, '24': 8388608, '32': 2147483648 };

/**
 * Decode WAV bytes.
 * @example const { sampleRate, channels } = decodeWav(bytes)
 */
export function decodeWav(bytes: Uint8Array): Wav {
  if (!(bytes instanceof Uint8Array)) fail('decodeWav', `bytes must be a Uint8Array (got ${bytes === null ? 'null' : typeof bytes})`);
  if (bytes.length < 12) fail('decodeWav', `not a WAV file: ${bytes.length} bytes is shorter than a RIFF header`);
  let wav: InstanceType<typeof WaveFile>;
  try {
    wav = new WaveFile(bytes);
  } catch (e) {
    return fail('decodeWav', `malformed WAV: ${(e as Error).message}`);
  }
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; audioFormat: number; blockAlign: number };
  const data = wav.data as { chunkSize: number; samples: Uint8Array };
  const bitDepth = wav.bitDepth;
  if (!(bitDepth in PCM_SCALE) && bitDepth !== '32f' && bitDepth !== '64') {
    fail('decodeWav', `unsupported WAV encoding (bit depth '${bitDepth}', format ${fmt.audioFormat}); expected PCM 8/16/24/32-bit or float 32/64-bit`);
  }
  if (!(fmt.numChannels >= 1)) fail('decodeWav', `malformed WAV: ${fmt.numChannels} channels`);
  if (!(fmt.sampleRate > 0)) fail('decodeWav', `malformed WAV: sample rate ${fmt.sampleRate}`);
  if (data.samples.length < data.chunkSize) {
    fail('decodeWav', `truncated WAV: the data chunk declares ${data.chunkSize} bytes but only ${data.samples.length} are present`);
  }
  if (data.samples.length % fmt.blockAlign !== 0) {
    fail('decodeWav', `truncated WAV: ${data.samples.length} data bytes is not a whole number of ${fmt.blockAlign}-byte frames`);
  }
  let raw: Float64Array[];
  try {
    const s = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
    raw = fmt.numChannels === 1 ? [s as Float64Array] : (s as Float64Array[]);
  } catch (e) {
    return fail('decodeWav', `malformed WAV: ${(e as Error).message}`);
  }
  const scale = PCM_SCALE[bitDepth];
  const channels = raw.map((ch) => {
    const out = new Float64Array(ch.length);
    if (scale === undefined) out.set(ch);
    else if (bitDepth === '8') for (let i = 0; i < ch.length; i++) out[i] = (ch[i] - 128) / 128;
    else for (let i = 0; i < ch.length; i++) out[i] = ch[i] / scale;
    return out;
  });
  return { sampleRate: fmt.sampleRate, channels, bitDepth };
}

export interface EncodeWavOptions {
  /** 'float32' (default) or 'pcm16' (values clipped to [−1, 1]). */
  format?: 'float32' | 'pcm16';
}

/**
 * Encode one or more channels as WAV bytes.
 * @example const bytes = encodeWav(audio, 16000, { format: 'pcm16' })
 */
export function encodeWav(channels: Float64Array | Float64Array[], sampleRate: number, opts: EncodeWavOptions = {}): Uint8Array {
  const chs = Array.isArray(channels) ? channels : [channels];
  if (chs.length === 0) fail('encodeWav', 'needs at least one channel');
  checkInteger('encodeWav', 'sampleRate', sampleRate, 1);
  const { format = 'float32' } = opts;
  if (format !== 'float32' && format !== 'pcm16') fail('encodeWav', `opts.format must be 'float32' or 'pcm16' (got ${JSON.stringify(format)})`);
  chs.forEach((c, k) => {
    if (!(c instanceof Float64Array)) fail('encodeWav', `channel ${k} must be a Float64Array`);
    if (c.length !== chs[0].length) fail('encodeWav', `channels must have the same length (channel 0 has ${chs[0].length}, channel ${k} has ${c.length})`);
    for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i])) fail('encodeWav', `channel ${k}[${i}] is ${c[i]}; expected finite samples`);
  });
  const samples = chs.map((c) => {
    if (format === 'float32') return Float32Array.from(c);
    const out = new Int16Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = Math.round(Math.max(-1, Math.min(1, c[i])) * 32767);
    return out;
  });
  const wav = new WaveFile();
  wav.fromScratch(chs.length, sampleRate, format === 'float32' ? '32f' : '16', chs.length === 1 ? samples[0] : samples);
  return wav.toBuffer();
}

/** Average the channels into one. */
export function toMono(channels: Float64Array[]): Float64Array {
  if (channels.length === 0) fail('toMono', 'needs at least one channel');
  const out = new Float64Array(channels[0].length);
  for (const c of channels) for (let i = 0; i < out.length; i++) out[i] += c[i] / channels.length;
  return out;
}

/** Read and decode a WAV file (Node, Deno or Bun). */
export async function readWav(path: string): Promise<Wav> {
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(path));
  } catch (e) {
    return fail('readWav', `cannot read '${path}': ${(e as Error).message}`);
  }
  try {
    return decodeWav(bytes);
  } catch (e) {
    return fail('readWav', `'${path}': ${(e as Error).message}`);
  }
}

/** Encode and write a WAV file, creating its folder (Node, Deno or Bun). */
export async function writeWav(path: string, channels: Float64Array | Float64Array[], sampleRate: number, opts: EncodeWavOptions = {}): Promise<void> {
  const bytes = encodeWav(channels, sampleRate, opts);
  const fs = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await fs.mkdir(dirname(path), { recursive: true });
  await fs.writeFile(path, bytes);
}
