/**
 * WAV reading and writing over the `wavefile` package: PCM 8/16/24/32-bit and IEEE float
 * 32/64-bit, any channel count and sample rate. Samples come back as Float64Arrays in [−1, 1)
 * per channel (float files as stored). Malformed or truncated files get a DdspError.
 * File helpers (`readWav`, `writeWav`) load `node:fs` lazily, so the codec works in browsers too.
 */
import * as wavefileModule from 'wavefile';
import { checkInteger, fail, readOptions, within } from '../core/errors.ts';

// wavefile ships ESM (named export) and CommonJS (default export); accept either.
type WaveFileClass = typeof import('wavefile').WaveFile;
const ns = wavefileModule as unknown as { WaveFile?: WaveFileClass; default?: { WaveFile: WaveFileClass } };
const WaveFile = (ns.WaveFile ?? ns.default?.WaveFile) as WaveFileClass;

export interface Wav {
  sampleRate: number;
  /** One Float64Array per channel. */
  channels: Float64Array[];
  /** The stored encoding: '8', '16', '24', '32' (PCM), '32f', '64' (float), '8a' (A-law) or '8m' (mu-law). */
  bitDepth: string;
}

const PCM_SCALE: Record<string, number> = { '8': 128, '16': 32768, '24': 8388608, '32': 2147483648 };

/** What a non-WAV file looks like, from its first bytes, for the error message. */
function sniff(bytes: Uint8Array): string | undefined {
  const ascii = (i: number, n: number) => String.fromCharCode(...bytes.subarray(i, i + n));
  if (ascii(0, 3) === 'ID3' || (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0)) return 'MP3';
  if (ascii(0, 4) === 'fLaC') return 'FLAC';
  if (ascii(0, 4) === 'OggS') return 'OGG';
  if (ascii(0, 4) === 'FORM' && ascii(8, 4).startsWith('AIF')) return 'AIFF';
  if (ascii(4, 4) === 'ftyp') return 'MP4/M4A';
  return undefined;
}

/** WAV format tags we decode: PCM, IEEE float, A-law, mu-law, and WAVE_FORMAT_EXTENSIBLE. */
const FORMATS: Record<number, string> = { 1: 'PCM', 3: 'IEEE float', 6: 'A-law', 7: 'mu-law', 0xfffe: 'extensible' };
const FORMAT_NAMES: Record<number, string> = { 0x55: 'MP3', 0x50: 'MPEG', 0x2: 'ADPCM', 0x11: 'IMA ADPCM', 0x161: 'WMA', 0xff: 'AAC' };

/**
 * Decode WAV bytes: PCM 8/16/24/32-bit, IEEE float 32/64-bit, A-law and mu-law (decoded through
 * 16-bit PCM), any channel count. Strict where the file is wrong: a truncated or inconsistent
 * data chunk, a compressed format tag (e.g. MP3 inside RIFF), or NaN/Infinity float samples are
 * errors that say what is wrong; other formats (MP3, FLAC, OGG…) are named as such.
 * @example const { sampleRate, channels } = decodeWav(bytes)
 */
export function decodeWav(bytes: Uint8Array): Wav {
  const fn = 'decodeWav';
  if (!(bytes instanceof Uint8Array)) fail(fn, `bytes must be a Uint8Array (got ${bytes === null ? 'null' : typeof bytes})`);
  const other = sniff(bytes);
  if (other !== undefined) fail(fn, `not a WAV file (looks like ${other}); convert it to WAV first`);
  if (bytes.length < 12) fail(fn, `not a WAV file: ${bytes.length} bytes is shorter than a RIFF header`);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'RIFF' && magic !== 'RIFX' && magic !== 'RF64') fail(fn, `not a WAV file (no RIFF header; starts with ${JSON.stringify(magic)})`);
  let wav: InstanceType<typeof WaveFile>;
  try {
    wav = new WaveFile(bytes);
  } catch (e) {
    return fail(fn, `malformed WAV: ${(e as Error).message}`);
  }
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; audioFormat: number; blockAlign: number; bitsPerSample: number; byteRate: number };
  const riffSize = (wav as unknown as { chunkSize: number }).chunkSize;
  if (magic !== 'RF64' && riffSize + 8 > bytes.length) {
    fail(fn, `truncated WAV: the RIFF header declares ${riffSize + 8} bytes but the file has ${bytes.length}`);
  }
  const data = wav.data as { chunkSize: number; samples: Uint8Array };
  if (!(fmt.audioFormat in FORMATS)) {
    const name = FORMAT_NAMES[fmt.audioFormat];
    fail(fn, `unsupported WAV encoding: format tag 0x${fmt.audioFormat.toString(16)}${name ? ` (${name}-compressed audio in a RIFF file)` : ''}; expected PCM, IEEE float, A-law or mu-law`);
  }
  const stored = wav.bitDepth;
  let bitDepth = stored;
  const companded = bitDepth === '8a' || bitDepth === '8m';
  if (!(bitDepth in PCM_SCALE) && bitDepth !== '32f' && bitDepth !== '64' && !companded) {
    fail(fn, `unsupported WAV encoding (bit depth '${bitDepth}', format ${fmt.audioFormat}); expected PCM 8/16/24/32-bit, float 32/64-bit, A-law or mu-law`);
  }
  if ((fmt.audioFormat === 3) !== (bitDepth === '32f' || bitDepth === '64')) {
    fail(fn, `malformed WAV: format tag ${fmt.audioFormat} (${FORMATS[fmt.audioFormat]}) does not match ${fmt.bitsPerSample}-bit samples`);
  }
  if (!(fmt.numChannels >= 1)) fail(fn, `malformed WAV: ${fmt.numChannels} channels`);
  if (!(fmt.sampleRate > 0)) fail(fn, `malformed WAV: sample rate ${fmt.sampleRate}`);
  const bytesPerFrame = (fmt.numChannels * fmt.bitsPerSample) / 8;
  if (fmt.blockAlign !== bytesPerFrame) {
    fail(fn, `malformed WAV: blockAlign is ${fmt.blockAlign} but ${fmt.numChannels} channels of ${fmt.bitsPerSample} bits take ${bytesPerFrame} bytes`);
  }
  if (fmt.byteRate !== fmt.sampleRate * fmt.blockAlign) {
    fail(fn, `malformed WAV: byteRate is ${fmt.byteRate} but sampleRate × blockAlign is ${fmt.sampleRate * fmt.blockAlign}`);
  }
  if (data.samples.length < data.chunkSize) {
    fail(fn, `truncated WAV: the data chunk declares ${data.chunkSize} bytes but only ${data.samples.length} are present`);
  }
  if (data.chunkSize % fmt.blockAlign !== 0) {
    fail(fn, `malformed WAV: the data chunk's ${data.chunkSize} bytes are not a whole number of ${fmt.blockAlign}-byte frames`);
  }
  // Only the declared bytes are audio: a RIFF pad byte after an odd-sized chunk is not a sample.
  if (data.samples.length > data.chunkSize) data.samples = data.samples.subarray(0, data.chunkSize);
  const { sampleRate, numChannels } = fmt; // converting A-law/mu-law rebuilds the header in place
  let raw: Float64Array[];
  try {
    if (companded) {
      if (bitDepth === '8a') wav.fromALaw();
      else wav.fromMuLaw();
      bitDepth = '16';
    }
    const s = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
    raw = numChannels === 1 ? [s as Float64Array] : (s as Float64Array[]);
  } catch (e) {
    return fail(fn, `malformed WAV: ${(e as Error).message}`);
  }
  const scale = PCM_SCALE[bitDepth];
  const channels = raw.map((ch, c) => {
    const out = new Float64Array(ch.length);
    if (scale === undefined) {
      for (let i = 0; i < ch.length; i++) {
        if (!Number.isFinite(ch[i])) fail(fn, `malformed WAV: float sample ${i} of channel ${c} is ${ch[i]}`);
      }
      out.set(ch);
    } else if (bitDepth === '8') for (let i = 0; i < ch.length; i++) out[i] = (ch[i] - 128) / 128;
    else for (let i = 0; i < ch.length; i++) out[i] = ch[i] / scale;
    return out;
  });
  return { sampleRate, channels, bitDepth: stored };
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
  if (chs.length > 65535) fail('encodeWav', `a WAV file holds at most 65535 channels (got ${chs.length})`);
  checkInteger('encodeWav', 'sampleRate', sampleRate, 1);
  // The header stores the rate and the byte rate (rate × bytes per frame) as uint32.
  if (sampleRate * 4 * chs.length > 0xffffffff) fail('encodeWav', `sampleRate ${sampleRate} is too high for a WAV header with ${chs.length} channel(s)`);
  const { format = 'float32' } = readOptions('encodeWav', opts, ['format']);
  if (format !== 'float32' && format !== 'pcm16') fail('encodeWav', `opts.format must be 'float32' or 'pcm16' (got ${JSON.stringify(format)})`);
  chs.forEach((c, k) => {
    const name = Array.isArray(channels) ? `channels[${k}]` : 'channels';
    if (!(c instanceof Float64Array)) fail('encodeWav', `${name} must be a Float64Array (got ${c === null ? 'null' : typeof c})`);
    if (c.length !== chs[0].length) fail('encodeWav', `channels must have the same length (channels[0] has ${chs[0].length}, channels[${k}] has ${c.length})`);
    for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i])) fail('encodeWav', `${name}[${i}] is ${c[i]}; expected finite samples`);
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
  if (!Array.isArray(channels)) fail('toMono', `channels must be an array of Float64Arrays (got ${channels === null ? 'null' : typeof channels})`);
  if (channels.length === 0) fail('toMono', 'needs at least one channel');
  channels.forEach((c, k) => {
    if (!(c instanceof Float64Array)) fail('toMono', `channels[${k}] must be a Float64Array`);
    if (c.length !== channels[0].length) fail('toMono', `channels must have the same length (channels[0] has ${channels[0].length}, channels[${k}] has ${c.length})`);
  });
  const out = new Float64Array(channels[0].length);
  for (const c of channels) for (let i = 0; i < out.length; i++) out[i] += c[i] / channels.length;
  return out;
}

