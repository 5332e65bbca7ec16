/**
 * decodeWav on mutated files: flip header bytes, truncate, or pad valid WAVs of every supported
 * encoding. Whatever happens, the decoder either rejects with a DdspError or returns channels
 * whose sizes agree with the header and whose samples are finite and in range; never another error.
 */
import { describe, expect, it } from 'vitest';
import { DdspError, io } from '../../src/index.ts';
import { fc } from '../helpers.ts';

const x = Float64Array.from({ length: 50 }, (_, i) => 0.8 * Math.sin(i / 3));
const bases = [
  io.encodeWav(x, 16000, { format: 'pcm16' }),
  io.encodeWav(x, 8000, { format: 'float32' }),
  io.encodeWav([x, x.map((v) => -v)], 44100, { format: 'pcm16' }),
];

describe('decodeWav on mutated files', () => {
  it('rejects with a DdspError or decodes consistently, over header flips, truncations and padding', () => {
    const tally = { decoded: 0, rejected: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 47 }), fc.integer({ min: 0, max: 255 })), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: -60, max: 3 }),
        (b, flips, cut) => {
          const src = bases[b];
          const bytes = cut >= 0 ? new Uint8Array([...src, ...new Array(cut).fill(0)]) : src.slice(0, src.length + cut);
          for (const [i, v] of flips) if (i < bytes.length) bytes[i] = v;
          try {
            const w = io.decodeWav(bytes);
            tally.decoded++;
            expect(w.sampleRate).toBeGreaterThan(0);
            const n = w.channels[0].length;
            for (const c of w.channels) {
              expect(c.length).toBe(n);
              for (const v of c) expect(Number.isFinite(v)).toBe(true);
            }
          } catch (e) {
            if (!(e instanceof DdspError)) throw e;
            expect(e.fn).toBe('decodeWav');
            tally.rejected++;
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.decoded).toBeGreaterThan(0);
  });
});
