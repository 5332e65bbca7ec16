import { describe, expect, it } from 'vitest';
import { nn } from '../../src/index.ts';

const tone = (hz: number, amp = 0.5, n = 16000) => Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / 16000));

describe("DDSP's metrics", () => {
  it('are 0 for identical audio', () => {
    const x = tone(440);
    expect(nn.loudnessL1(x, x)).toBe(0);
    expect(nn.f0L1Cents(x, x).cents).toBe(0);
  });
  it('measure a 100-cent detune and a 6 dB level change', () => {
    const { cents, frames } = nn.f0L1Cents(tone(440), tone(440 * 2 ** (100 / 1200)));
    expect(frames).toBeGreaterThan(200);
    expect(cents).toBeGreaterThan(95);
    expect(cents).toBeLessThan(105);
    // Half the amplitude is −6.02 dB wherever neither frame is at the −80 dB floor.
    const l = nn.loudnessL1(tone(440, 0.5), tone(440, 0.25));
    expect(l).toBeGreaterThan(5.9);
    expect(l).toBeLessThan(6.1);
  });
});
