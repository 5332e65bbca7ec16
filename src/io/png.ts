/**
 * Minimal PNG writing (8-bit RGB, no interlace) for plots: signature, IHDR, one zlib-deflated
 * IDAT with filter byte 0 per row, IEND, each chunk with its CRC-32. zlib is loaded lazily from
 * `node:zlib` (Node, Deno, Bun).
 */
import { checkInteger, fail } from '../core/errors.ts';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC), as PNG chunks use. */
export function crc32(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array)) fail('crc32', `bytes must be a Uint8Array (got ${bytes === null ? 'null' : typeof bytes})`);
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encode RGB pixels (row-major, 3 bytes per pixel) as PNG bytes.
 * @example await encodePng(new Uint8Array(3 * 4), 2, 2)
 */
export async function encodePng(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  checkInteger('encodePng', 'width', width, 1);
  checkInteger('encodePng', 'height', height, 1);
  if (!(rgb instanceof Uint8Array) || rgb.length !== width * height * 3) {
    fail('encodePng', `rgb must be a Uint8Array of width·height·3 = ${width * height * 3} bytes`);
  }
  const { deflateSync } = await import('node:zlib');
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', ihdr), chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
