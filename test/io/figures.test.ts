import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { linePlotSvg, spectrogramFigure } from '../../src/io/figures.ts';
import { svgToPng } from '../../src/node/files.ts';

const sine = (f: number, n: number) => Float64Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / 16000));

/** The PNG's width and height from its IHDR. */
const pngSize = (b: Uint8Array) => [new DataView(b.buffer, b.byteOffset).getUint32(16), new DataView(b.buffer, b.byteOffset).getUint32(20)];

describe('figures', () => {
  it('spectrogramFigure: one panel per signal with time and frequency axes and a dB colour bar; the tone sits at its frequency', async () => {
    const svg = await spectrogramFigure([{ title: 'a 1 kHz tone', audio: sine(1000, 16000) }, { title: 'a 3 kHz tone', audio: sine(3000, 8000) }], { sampleRate: 16000, title: 'two tones' });
    expect(svg).toContain('time (s)');
    expect(svg.match(/frequency \(Hz\)/g)).toHaveLength(2);
    expect(svg).toContain('>dB</text>');
    for (const t of ['>0</text>', '>0.5</text>', '>1</text>', '>8000</text>', '>a 1 kHz tone</text>', '>two tones</text>']) expect(svg).toContain(t);
    // The embedded pixels: the brightest row of panel 1 is the 1 kHz bin (low frequencies at the bottom).
    const png = Uint8Array.from(atob((svg.match(/base64,([^"]+)"/) as RegExpMatchArray)[1]), (c) => c.charCodeAt(0));
    const [w, h] = pngSize(png);
    expect(h).toBe(513);
    let idat = new Uint8Array(0);
    for (let o = 8; o < png.length;) {
      const len = new DataView(png.buffer).getUint32(o);
      if (String.fromCharCode(...png.subarray(o + 4, o + 8)) === 'IDAT') idat = png.subarray(o + 8, o + 8 + len);
      o += 12 + len;
    }
    const raw = new Uint8Array(inflateSync(idat));
    let best = -1;
    let row = 0;
    for (let y = 0; y < h; y++) {
      const r = raw[y * (1 + 3 * w) + 1 + 3 * Math.floor(w / 2)];
      if (r > best) {
        best = r;
        row = y;
      }
    }
    expect(Math.abs((h - 1 - row) * (16000 / 1024) - 1000)).toBeLessThan(16);
  });

  it('linePlotSvg: labelled, ticked axes, a legend, NaN as a gap, log axes at 1-2-5', () => {
    const svg = linePlotSvg([{ name: 'f0 in', x: [0, 1, 2, 3], y: [100, NaN, 200, 400] }, { name: 'f0 out', y: [110, 210, 220, 390] }], { xLabel: 'time (s)', yLabel: 'f0 (Hz)', yLog: true, title: 'pitch' });
    for (const t of ['>time (s)</text>', '>f0 (Hz)</text>', '>f0 in</text>', '>f0 out</text>', '>100</text>', '>200</text>', '>pitch</text>']) expect(svg).toContain(t);
    expect(svg.match(/<polyline/g)).toHaveLength(3); // the NaN splits the first line in two
    expect(() => linePlotSvg([{ name: 'x', y: [1, Infinity] }])).toThrow('linePlotSvg: series[0] point 1 is (1, Infinity)');
  });

  it('svgToPng renders at the SVG size times the scale', async () => {
    const svg = linePlotSvg([{ name: 'loss', y: [3, 2, 1] }], { width: 400, height: 200 });
    expect(pngSize(await svgToPng(svg))).toEqual([400, 200]);
    expect(pngSize(await svgToPng(svg, { scale: 2 }))).toEqual([800, 400]);
    await expect(svgToPng('hello')).rejects.toThrow('svgToPng: svg must be an SVG document');
  });
});
