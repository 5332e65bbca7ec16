/**
 * Web Audio interop: AudioBuffers (Float32, one array per channel) to and from this library's
 * Float64Array channels. Duck-typed, so they also work with node-web-audio-api or a test double.
 */
import { checkPositive, checkSize, fail, readOptions } from '../core/errors.ts';

/** The part of the Web Audio AudioBuffer these helpers use. */
export interface AudioBufferLike {
  readonly numberOfChannels: number;
  readonly length: number;
  readonly sampleRate: number;
  getChannelData(channel: number): Float32Array;
}

export interface ToAudioBufferOptions {
  /**
   * Makes the buffer (default: `new AudioBuffer(init)`, the browser's constructor; pass
   * `(init) => context.createBuffer(init.numberOfChannels, init.length, init.sampleRate)` for older engines).
   */
  create?: (init: { length: number; numberOfChannels: number; sampleRate: number }) => AudioBufferLike;
}

function isBufferLike(b: unknown): b is AudioBufferLike {
  return typeof b === 'object' && b !== null && typeof (b as AudioBufferLike).getChannelData === 'function'
    && Number.isInteger((b as AudioBufferLike).numberOfChannels) && Number.isInteger((b as AudioBufferLike).length);
}

/**
 * An AudioBuffer's channels as Float64Arrays (exact: every float32 is a float64), with its rate.
 * @example const { channels: [left], sampleRate } = io.fromAudioBuffer(await ctx.decodeAudioData(bytes));
 */
export function fromAudioBuffer(buffer: AudioBufferLike): { channels: Float64Array[]; sampleRate: number } {
  const fn = 'fromAudioBuffer';
  if (!isBufferLike(buffer)) fail(fn, `buffer must be an AudioBuffer (got ${buffer === null ? 'null' : typeof buffer})`);
  checkPositive(fn, 'buffer.sampleRate', buffer.sampleRate);
  const channels: Float64Array[] = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    if (!(data instanceof Float32Array) || data.length !== buffer.length) fail(fn, `buffer.getChannelData(${c}) must give a Float32Array of buffer.length = ${buffer.length} samples`);
    channels.push(Float64Array.from(data));
  }
  return { channels, sampleRate: buffer.sampleRate };
}

/**
 * Float64Array channels (or one signal) as a new AudioBuffer, rounded to float32 (values stay as
 * they are: clip or normalise first if they may exceed [−1, 1]).
 * @example const buf = io.toAudioBuffer(audio, 16000); new AudioBufferSourceNode(ctx, { buffer: buf }).start();
 */
export function toAudioBuffer(channels: Float64Array | Float64Array[], sampleRate: number, opts: ToAudioBufferOptions = {}): AudioBufferLike {
  const fn = 'toAudioBuffer';
  const list = channels instanceof Float64Array ? [channels] : channels;
  if (!Array.isArray(list) || list.length === 0) fail(fn, 'channels must be a Float64Array or a non-empty array of them');
  list.forEach((ch, c) => {
    if (!(ch instanceof Float64Array)) fail(fn, `channels[${c}] must be a Float64Array (got ${ch === null ? 'null' : typeof ch})`);
    if (ch.length !== list[0].length) fail(fn, `channels must have the same length (channels[0] has ${list[0].length}, channels[${c}] has ${ch.length})`);
    for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i])) fail(fn, `channels[${c}][${i}] is ${ch[i]}; expected finite samples`);
  });
  checkPositive(fn, 'sampleRate', sampleRate);
  checkSize(fn, 'channels[0].length', list[0].length, 1);
  const { create } = readOptions(fn, opts, ['create']);
  if (create !== undefined && typeof create !== 'function') fail(fn, 'opts.create must be a function ({ length, numberOfChannels, sampleRate }) => AudioBuffer');
  const Ctor = (globalThis as { AudioBuffer?: new (init: object) => AudioBufferLike }).AudioBuffer;
  if (create === undefined && Ctor === undefined) fail(fn, 'this runtime has no AudioBuffer (Web Audio); pass opts.create');
  const init = { length: list[0].length, numberOfChannels: list.length, sampleRate };
  const buffer = create ? create(init) : new (Ctor as new (init: object) => AudioBufferLike)(init);
  if (!isBufferLike(buffer) || buffer.length !== init.length || buffer.numberOfChannels !== init.numberOfChannels) {
    fail(fn, 'opts.create must return an AudioBuffer of the requested length and channel count');
  }
  list.forEach((ch, c) => buffer.getChannelData(c).set(ch));
  return buffer;
}
