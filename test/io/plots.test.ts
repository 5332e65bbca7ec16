import { describe, it, expect } from 'vitest';
import { decode } from 'fast-png';
import { encodePng } from '../../src/io/png.ts';
import { lossCurveSvg, spectrogramImage } from '../../src/io/plot.ts';
import { frames } from '../../src/core/frames.ts';

describe('PNG', () => {
  it('writes a PNG whose header says the size and whose pixels decode back (fast-png\'s decoder)', async () => {
    const rgb = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10);
    const png = await encodePng(rgb, 3, 2);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
    expect(view.getUint32(16)).toBe(3);
    expect(view.getUint32(20)).toBe(2);
    const back = decode(png);
    expect([back.width, back.height, back.channels, back.depth]).toEqual([3, 2, 3, 8]);
    expect(Array.from(back.data)).toEqual(Array.from(rgb));
    await expect(encodePng(new Uint8Array(5), 3, 2)).rejects.toThrow('encodePng: rgb must be a Uint8Array of width·height·3 = 18 bytes');
  });
});

describe('plots', () => {
  it('lossCurveSvg draws one point per value on a log axis', () => {
    const svg = lossCurveSvg([10, 1, 0.1], { title: 't' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/points="([^"]*)"/) as RegExpMatchArray)[1].split(' ')).toHaveLength(3);
    expect(svg).toContain('1e-1');
  });
  it('spectrogramImage stacks spectrograms with a gap, low frequencies at the bottom', () => {
    const a = frames(Float64Array.of(0, -80, 0, -80), 2, 2); // bin 0 loud, bin 1 quiet
    const img = spectrogramImage([a, a], { gap: 1 });
    expect([img.width, img.height]).toEqual([2, 5]);
    const px = (x: number, y: number) => img.rgb[(y * 2 + x) * 3 + 1];
    expect(px(0, 1)).toBeGreaterThan(px(0, 0)); // bottom row of the first image is the loud bin
  });
});
