import { describe, it, expect } from 'vitest';
import * as wavefileModule from 'wavefile';
import { decodeWav, encodeWav, toMono } from '../../src/io/wav.ts';
import { readWav, writeWav } from '../../src/node/files.ts';
import { expectClose, randomArray } from '../helpers.ts';

const ns = wavefileModule as unknown as { WaveFile?: any; default?: { WaveFile: any } };
const WaveFile = ns.WaveFile ?? ns.default?.WaveFile;

/** A WAV made by wavefile directly from integer samples, as another tool would write it. */
function pcm(bitDepth: string, sampleRate: number, channels: number[][]): Uint8Array {
  const w = new WaveFile();
  w.fromScratch(channels.length, sampleRate, bitDepth, channels.length === 1 ? channels[0] : channels);
  return w.toBuffer();
}

describe('decodeWav', () => {
  it('scales PCM 8/16/24/32-bit to [−1, 1)', () => {
    expect(Array.from(decodeWav(pcm('8', 8000, [[0, 128, 255]])).channels[0])).toEqual([-1, 0, 127 / 128]);
    expect(Array.from(decodeWav(pcm('16', 16000, [[-32768, 0, 16384]])).channels[0])).toEqual([-1, 0, 0.5]);
    expect(Array.from(decodeWav(pcm('24', 44100, [[-8388608, 4194304]])).channels[0])).toEqual([-1, 0.5]);
    expect(Array.from(decodeWav(pcm('32', 48000, [[-2147483648, 1073741824]])).channels[0])).toEqual([-1, 0.5]);
  });
  it('reads float 32 and 64-bit, any sample rate, several channels', () => {
    const w = decodeWav(pcm('64', 22050, [[0.25, -0.75], [0.5, 1]]));
    expect(w.sampleRate).toBe(22050);
    expect(w.bitDepth).toBe('64');
    expect(w.channels.map((c) => Array.from(c))).toEqual([[0.25, -0.75], [0.5, 1]]);
  });
  it('rejects malformed and truncated files with a clear error (never a crash or garbage)', () => {
    const good = encodeWav(randomArray(100, 1), 16000);
    expect(() => decodeWav(new Uint8Array(4))).toThrow('decodeWav: not a WAV file: 4 bytes is shorter than a RIFF header');
    expect(() => decodeWav(new Uint8Array(64))).toThrow('decodeWav: not a WAV file (no RIFF header');
    expect(() => decodeWav(good.slice(0, 30))).toThrow('decodeWav: malformed WAV: Could not find the "data" chunk');
    expect(() => decodeWav(good.slice(0, 100))).toThrow('decodeWav: truncated WAV: the RIFF header declares 444 bytes but the file has 100');
    const noise = Uint8Array.from(randomArray(2000, 3, 0, 255), Math.floor);
    expect(() => decodeWav(noise)).toThrow('decodeWav:');
  });
});

describe('encodeWav', () => {
  it('round-trips float32 to float32 precision and pcm16 to 1/32767', () => {
    const x = randomArray(1000, 2);
    const f = decodeWav(encodeWav(x, 16000));
    expect(f.bitDepth).toBe('32f');
    expectClose(f.channels[0], Array.from(x, Math.fround), 0);
    const p = decodeWav(encodeWav([x, x.map((v) => -v)], 44100, { format: 'pcm16' }));
    expect(p.channels).toHaveLength(2);
    expectClose(p.channels[1], Array.from(x, (v) => Math.round(-v * 32767) / 32768), 1e-12);
  });
  it('clips pcm16 to full scale and rejects NaN, mismatched channels and bad rates', () => {
    expect(Array.from(decodeWav(encodeWav(Float64Array.of(2, -2), 8000, { format: 'pcm16' })).channels[0])).toEqual([32767 / 32768, -32767 / 32768]);
    expect(() => encodeWav(Float64Array.of(NaN), 8000)).toThrow('encodeWav: channels[0] is NaN');
    expect(() => encodeWav([new Float64Array(2), new Float64Array(3)], 8000)).toThrow('encodeWav: channels must have the same length');
    expect(() => encodeWav(new Float64Array(2), 0)).toThrow('encodeWav: sampleRate must be an integer >= 1 (got 0)');
  });
  it('toMono averages channels', () => {
    expect(Array.from(toMono([Float64Array.of(1, 0), Float64Array.of(0, 1)]))).toEqual([0.5, 0.5]);
  });
});

describe('readWav / writeWav', () => {
  it('write then read a file; a missing file is named', async () => {
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const path = join(tmpdir(), `ddsp-test-${process.pid}-${Date.now()}`, 'x.wav');
    const x = randomArray(64, 5);
    await writeWav(path, x, 16000);
    const w = await readWav(path);
    expectClose(w.channels[0], Array.from(x, Math.fround), 0);
    await expect(readWav(path + '.missing')).rejects.toThrow(`readWav: cannot read '${path}.missing'`);
  });
});
