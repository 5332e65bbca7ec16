/** Plots for reports: a loss curve as SVG and spectrograms as an RGB image. */
import { checkInteger, checkPositive, checkSize, fail, readOptions } from '../core/errors.ts';
import { readLayout, type Frames } from '../core/frames.ts';

/**
 * A loss curve (log scale on y) as a standalone SVG document.
 * @example lossCurveSvg(losses, { title: 'spectral loss' })
 */
export function lossCurveSvg(losses: ArrayLike<number>, opts: { title?: string; width?: number; height?: number } = {}): string {
  const fn = 'lossCurveSvg';
  const { title = 'loss', width = 640, height = 360 } = readOptions(fn, opts, ['title', 'width', 'height']);
  if (typeof title !== 'string') fail(fn, `opts.title must be a string (got ${typeof title})`);
  checkSize(fn, 'opts.width', width, 100);
  checkSize(fn, 'opts.height', height, 100);
  if (width > 20000 || height > 20000) fail(fn, `opts.width and opts.height must be at most 20000 (got ${width} × ${height})`);
  if (losses === null || typeof losses !== 'object' || typeof losses.length !== 'number') fail(fn, `losses must be an array of numbers (got ${losses === null ? 'null' : typeof losses})`);
  if (losses.length < 1) fail(fn, 'losses must not be empty');
  // Loops, not Math.min(...ys): spreading 300k values overflows the stack.
  const ys = new Float64Array(losses.length);
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(fn, `losses[${i}] is ${v}; expected finite numbers (a diverged run: plot the steps before it)`);
    ys[i] = Math.log10(Math.max(v, 1e-30));
    if (ys[i] < yMin) yMin = ys[i];
    if (ys[i] > yMax) yMax = ys[i];
  }
  const lo = Math.floor(yMin);
  const hi = Math.ceil(yMax) + (yMin === yMax ? 1 : 0);
  const m = { l: 60, r: 20, t: 36, b: 40 };
  const x = (i: number) => m.l + ((width - m.l - m.r) * i) / Math.max(1, ys.length - 1);
  const y = (v: number) => m.t + ((height - m.t - m.b) * (hi - v)) / (hi - lo);
  const pts = Array.from(ys, (v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const ticks: string[] = [];
  for (let d = lo; d <= hi; d++) {
    ticks.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/><text x="${m.l - 6}" y="${y(d) + 4}" text-anchor="end" font-size="11">1e${d}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${ticks.join('\n')}
<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${pts}"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>
<text x="${width / 2}" y="${height - 8}" text-anchor="middle" font-size="11">step (0 … ${ys.length - 1})</text>
</svg>
`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A perceptual-ish colour map (dark blue → yellow) for t in [0, 1]. */
function colour(t: number): [number, number, number] {
  const c = Math.min(1, Math.max(0, t));
  return [Math.round(255 * Math.min(1, 1.6 * c * c)), Math.round(255 * Math.pow(c, 0.9)), Math.round(255 * (0.35 + 0.5 * Math.sin(Math.PI * c)) * (1 - c * 0.7))];
}

/**
 * Spectrograms (log magnitudes, frames × bins) stacked vertically, low frequencies at the
 * bottom of each, sharing one dB scale (max − rangeDb … max), as RGB pixels for encodePng.
 */
export function spectrogramImage(specs: Frames[], opts: { rangeDb?: number; gap?: number } = {}): { rgb: Uint8Array; width: number; height: number } {
  const fn = 'spectrogramImage';
  const { rangeDb = 80, gap = 4 } = readOptions(fn, opts, ['rangeDb', 'gap']);
  checkPositive(fn, 'opts.rangeDb', rangeDb);
  checkInteger(fn, 'opts.gap', gap, 0);
  if (gap > 1000) fail(fn, `opts.gap must be at most 1000 pixels (got ${gap})`);
  if (!Array.isArray(specs)) fail(fn, `specs must be an array of spectrograms [frames, bins] (got ${specs === null ? 'null' : typeof specs})`);
  if (specs.length === 0) fail('spectrogramImage', 'needs at least one spectrogram');
  const L = specs.map((s, i) => readLayout('spectrogramImage', `specs[${i}]`, s));
  const width = L[0].n;
  if (L.some((l) => l.n !== width)) fail('spectrogramImage', 'all spectrograms need the same number of frames');
  const height = L.reduce((h, l) => h + l.c, 0) + gap * (L.length - 1);
  if (width < 1) fail(fn, 'spectrograms must have at least one frame');
  if (width * height > 2 ** 26) fail(fn, `the image would be ${width} × ${height} pixels, more than the 2^26 supported`);
  let top = -Infinity;
  for (const l of L) for (const v of l.data) top = Math.max(top, v);
  const rgb = new Uint8Array(width * height * 3).fill(255);
  let row0 = 0;
  for (const l of L) {
    for (let b = 0; b < l.c; b++) {
      const y = row0 + (l.c - 1 - b);
      for (let t = 0; t < width; t++) {
        const [r, g, bl] = colour(1 - (top - l.data[t * l.c + b]) / rangeDb);
        const o = (y * width + t) * 3;
        rgb[o] = r;
        rgb[o + 1] = g;
        rgb[o + 2] = bl;
      }
    }
    row0 += l.c + gap;
  }
  return { rgb, width, height };
}
