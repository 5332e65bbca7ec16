import { describe, expect, it } from 'vitest';
import { fromAudioBuffer, toAudioBuffer } from '../../src/io/webAudio.ts';
import { FakeAudioBuffer } from '../fakeAudioBuffer.ts';

const create = (init: { length: number; numberOfChannels: number; sampleRate: number }) => new FakeAudioBuffer(init);

describe('Web Audio interop', () => {
  it('round-trips channels through an AudioBuffer, rounded to float32', () => {
    const left = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i * 0.1));
    const right = left.map((v) => -0.5 * v);
    const buf = toAudioBuffer([left, right], 44100, { create });
    expect([buf.numberOfChannels, buf.length, buf.sampleRate]).toEqual([2, 100, 44100]);
    const back = fromAudioBuffer(buf);
    expect(back.sampleRate).toBe(44100);
    expect(Array.from(back.channels[0])).toEqual(Array.from(Float32Array.from(left)));
    expect(Array.from(back.channels[1])).toEqual(Array.from(Float32Array.from(right)));
    // Rounding to float32 loses at most half an ulp at 2^-24 relative.
    for (let i = 0; i < 100; i++) expect(Math.abs(back.channels[0][i] - left[i])).toBeLessThanOrEqual(2 ** -25);
    // One signal is one channel.
    expect(toAudioBuffer(left, 16000, { create }).numberOfChannels).toBe(1);
  });
  it('uses the global AudioBuffer when there is one, and says so when there is none', () => {
    const g = globalThis as { AudioBuffer?: unknown };
    const had = g.AudioBuffer;
    try {
      g.AudioBuffer = FakeAudioBuffer;
      expect(toAudioBuffer(Float64Array.of(0.5, -0.25), 8000)).toBeInstanceOf(FakeAudioBuffer);
      g.AudioBuffer = undefined;
      expect(() => toAudioBuffer(Float64Array.of(0.5), 8000)).toThrow('toAudioBuffer: this runtime has no AudioBuffer (Web Audio); pass opts.create');
    } finally {
      g.AudioBuffer = had;
    }
  });
  it('rejects bad input by name', () => {
    expect(() => fromAudioBuffer({} as never)).toThrow('fromAudioBuffer: buffer must be an AudioBuffer (got object)');
    expect(() => toAudioBuffer([Float64Array.of(1), Float64Array.of(1, 2)], 8000, { create })).toThrow('toAudioBuffer: channels must have the same length');
    expect(() => toAudioBuffer(Float64Array.of(NaN), 8000, { create })).toThrow('toAudioBuffer: channels[0][0] is NaN');
    expect(() => toAudioBuffer(Float64Array.of(1), 0, { create })).toThrow('toAudioBuffer: sampleRate');
  });
});
