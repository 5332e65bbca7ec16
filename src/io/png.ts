/**
 * PNG encoding of RGB pixels through fast-png (pure JavaScript: Node, Deno, Bun and browsers).
 */
import { encode } from 'fast-png';
import { checkInteger, fail } from '../core/errors.ts';

/**
 * Encode RGB pixels (row-major, 3 bytes per pixel, 8 bits) as PNG bytes.
 * @example await encodePng(new Uint8Array(3 * 4), 2, 2)
 */
export async function encodePng(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  checkInteger('encodePng', 'width', width, 1);
  checkInteger('encodePng', 'height', height, 1);
  if (!(rgb instanceof Uint8Array) || rgb.length !== width * height * 3) {
    fail('encodePng', `rgb must be a Uint8Array of width·height·3 = ${width * height * 3} bytes`);
  }
  return encode({ width, height, data: rgb, channels: 3, depth: 8 });
}
