import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAudio, encodeWav, sniffAudio, toMono } from '../../src/io/index.ts';
import { pyin } from '../../src/spectral/index.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/audio/${name}`, import.meta.url)));

describe('decodeAudio', () => {
  it('decodes MP3, FLAC and Ogg Vorbis renders of a flute A4 to 22.05 kHz stereo that tracks at 440 Hz', async () => {
    for (const [name, format] of [['flute-a4.mp3', 'mp3'], ['flute-a4.flac', 'flac'], ['flute-a4.ogg', 'ogg']] as const) {
      const bytes = fixture(name);
      expect(sniffAudio(bytes)).toBe(format);
      const a = await decodeAudio(bytes);
      expect(a.format).toBe(format);
      expect(a.sampleRate).toBe(22050);
      expect(a.channels.length).toBe(2);
      expect(a.channels[0].length).toBeGreaterThan(0.7 * 22050);
      const x = toMono(a.channels).subarray(2205, 2205 + 11025); // 0.1 … 0.6 s
      const t = pyin(Float64Array.from(x), { sampleRate: 22050, hop: 256, fMin: 100, fMax: 2000 });
      const voiced = Array.from(t.f0Hz).filter((_, i) => t.voiced[i] === 1).sort((p, q) => p - q);
      expect(voiced.length, name).toBeGreaterThan(20);
      expect(Math.abs(1200 * Math.log2(voiced[voiced.length >> 1] / 440)), name).toBeLessThan(15);
    }
  });

  it('decodes WAV with the strict decoder; FLAC and its lossless WAV agree', async () => {
    const flac = await decodeAudio(fixture('flute-a4.flac'));
    const wav = await decodeAudio(encodeWav(flac.channels, flac.sampleRate));
    expect(wav.format).toBe('wav');
    expect(Array.from(wav.channels[1].subarray(0, 5000))).toEqual(Array.from(flac.channels[1].subarray(0, 5000)));
  });

  it('names what it cannot decode', async () => {
    await expect(decodeAudio(new TextEncoder().encode('hello world'))).rejects.toThrow('decodeAudio: not a WAV, MP3, FLAC or Ogg Vorbis file (first bytes 68 65 6c 6c)');
    const truncated = fixture('flute-a4.flac').subarray(0, 40);
    await expect(decodeAudio(truncated)).rejects.toThrow('decodeAudio: ');
    await expect(decodeAudio('x' as never)).rejects.toThrow('decodeAudio: bytes must be a Uint8Array (got string)');
  });
});
