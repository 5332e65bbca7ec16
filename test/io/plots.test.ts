import { describe, it, expect } from 'vitest';
import { decode } from 'fast-png';
import { encodePng } from '../../src/io/png.ts';

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
