/**
 * Figures people can read, as standalone SVG (and PNG through `svgToPng`): spectrograms with time
 * (s) and frequency (Hz) axes and a dB colour bar, and line plots with labelled, ticked axes and a
 * legend. Scales and their ticks come from d3-scale, the colour map (magma) from
 * d3-scale-chromatic; a spectrogram's pixels are embedded as a PNG.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { interpolateMagma } from 'd3-scale-chromatic';
import { checkSignal, checkPositive, checkSize, fail, readOptions, within } from '../core/errors.ts';
import { magnitudeSpectrogram } from '../spectral/stft.ts';
import { encodePng } from './png.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(0) : String(+v.toPrecision(6)));

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Magma as 256 RGB triples. */
const MAGMA: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = interpolateMagma(i / 255); // '#rrggbb'
    lut[3 * i] = parseInt(c.slice(1, 3), 16);
    lut[3 * i + 1] = parseInt(c.slice(3, 5), 16);
    lut[3 * i + 2] = parseInt(c.slice(5, 7), 16);
  }
  return lut;
})();

export interface SpectrogramFigureOptions {
  sampleRate?: number;
  /** STFT frame (Hann) and hop. Defaults 1024 and 128. */
  frameSize?: number;
  hop?: number;
  /** Dynamic range below the loudest bin of all panels. Default 80 dB. */
  rangeDb?: number;
  /** Highest frequency shown. Default Nyquist. */
  maxHz?: number;
  /** Figure width in pixels. Default 900. */
  width?: number;
  /** Height of each panel's plot area. Default 200. */
  panelHeight?: number;
  title?: string;
}

/**
 * Spectrograms of one or more signals (one panel each, same dB scale), as an SVG document.
 * @example const svg = await io.spectrogramFigure([{ title: 'input', audio: x }, { title: 'output', audio: y }], { sampleRate: 16000 })
 */
export async function spectrogramFigure(panels: { title: string; audio: Float64Array }[], opts: SpectrogramFigureOptions = {}): Promise<string> {
  const fn = 'spectrogramFigure';
  const o = readOptions(fn, opts, ['sampleRate', 'frameSize', 'hop', 'rangeDb', 'maxHz', 'width', 'panelHeight', 'title']);
  const { sampleRate = 16000, frameSize = 1024, hop = 128, rangeDb = 80, width = 900, panelHeight = 200, title } = o;
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkSize(fn, 'opts.frameSize', frameSize, 2);
  checkSize(fn, 'opts.hop', hop, 1);
  checkPositive(fn, 'opts.rangeDb', rangeDb);
  checkSize(fn, 'opts.width', width, 200);
  checkSize(fn, 'opts.panelHeight', panelHeight, 40);
  if (width > 10000 || panelHeight > 5000) fail(fn, `opts.width (≤ 10000) or opts.panelHeight (≤ 5000) too large (got ${width}, ${panelHeight})`);
  if (title !== undefined && typeof title !== 'string') fail(fn, `opts.title must be a string (got ${typeof title})`);
  const maxHz = o.maxHz ?? sampleRate / 2;
  checkPositive(fn, 'opts.maxHz', maxHz);
  if (!Array.isArray(panels) || panels.length === 0 || panels.length > 16) fail(fn, `panels must be 1 to 16 { title, audio } (got ${Array.isArray(panels) ? panels.length : typeof panels})`);
  panels.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || typeof p.title !== 'string') fail(fn, `panels[${i}] must be { title: string, audio: Float64Array }`);
    checkSignal(fn, `panels[${i}].audio`, p.audio);
    if (p.audio.length < 1) fail(fn, `panels[${i}].audio is empty`);
  });
  const specs = panels.map((p) => within(fn, () => magnitudeSpectrogram(p.audio, { frameSize, hop, fftSize: frameSize, center: true })));
  const bins = Math.min(frameSize / 2 + 1, Math.floor((maxHz / (sampleRate / 2)) * (frameSize / 2)) + 1);
  let top = -Infinity;
  const dbs = specs.map((s) => {
    const F = s.shape[0];
    const C = s.shape[1];
    const d = new Float64Array(F * bins);
    for (let t = 0; t < F; t++) for (let b = 0; b < bins; b++) {
      const v = 20 * Math.log10(Math.max(s.data[t * C + b], 1e-12));
      d[t * bins + b] = v;
      if (v > top) top = v;
    }
    return { d, F };
  });
  const m = { l: 64, r: 86, t: title ? 34 : 14, b: 40, gap: 44 };
  const plotW = width - m.l - m.r;
  const height = m.t + panels.length * (panelHeight + 22) + (panels.length - 1) * (m.gap - 22) + m.b;
  const parts: string[] = [];
  const dur = Math.max(...panels.map((p) => p.audio.length)) / sampleRate;
  const x = scaleLinear().domain([0, dur]).range([m.l, m.l + plotW]);
  for (const [i, p] of panels.entries()) {
    const { d, F } = dbs[i];
    const rgb = new Uint8Array(F * bins * 3);
    for (let b = 0; b < bins; b++) {
      const row = bins - 1 - b; // low frequencies at the bottom
      for (let t = 0; t < F; t++) {
        const c = Math.round(255 * Math.min(1, Math.max(0, 1 - (top - d[t * bins + b]) / rangeDb)));
        rgb.set(MAGMA.subarray(3 * c, 3 * c + 3), (row * F + t) * 3);
      }
    }
    const png = await encodePng(rgb, F, bins);
    const y0 = m.t + 22 + i * (panelHeight + m.gap);
    const y = scaleLinear().domain([0, (bins - 1) * (sampleRate / frameSize)]).range([y0 + panelHeight, y0]);
    const w = x(p.audio.length / sampleRate) - m.l;
    parts.push(`<text x="${m.l}" y="${y0 - 6}" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
    parts.push(`<image x="${m.l}" y="${y0}" width="${w.toFixed(1)}" height="${panelHeight}" preserveAspectRatio="none" href="data:image/png;base64,${base64(png)}"/>`);
    parts.push(`<rect x="${m.l}" y="${y0}" width="${plotW}" height="${panelHeight}" fill="none" stroke="#333"/>`);
    for (const f of y.ticks(6)) parts.push(`<line x1="${m.l - 4}" x2="${m.l}" y1="${y(f)}" y2="${y(f)}" stroke="#333"/><text x="${m.l - 7}" y="${y(f) + 4}" text-anchor="end" font-size="11">${fmt(f)}</text>`);
    for (const s of x.ticks(8)) parts.push(`<line x1="${x(s)}" x2="${x(s)}" y1="${y0 + panelHeight}" y2="${y0 + panelHeight + 4}" stroke="#333"/><text x="${x(s)}" y="${y0 + panelHeight + 16}" text-anchor="middle" font-size="11">${fmt(s)}</text>`);
    parts.push(`<text transform="translate(${16},${y0 + panelHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">frequency (Hz)</text>`);
  }
  // Colour bar: top − rangeDb … top dB, spanning the first panel.
  const cy0 = m.t + 22;
  const cb = scaleLinear().domain([top - rangeDb, top]).range([cy0 + panelHeight, cy0]);
  const cx = width - m.r + 18;
  const steps = 64;
  for (let k = 0; k < steps; k++) {
    const c = Math.round((255 * (k + 0.5)) / steps);
    const hex = `#${[0, 1, 2].map((j) => MAGMA[3 * c + j].toString(16).padStart(2, '0')).join('')}`;
    const yk = cy0 + panelHeight - ((k + 1) * panelHeight) / steps;
    parts.push(`<rect x="${cx}" y="${yk.toFixed(2)}" width="14" height="${(panelHeight / steps + 0.5).toFixed(2)}" fill="${hex}"/>`);
  }
  parts.push(`<rect x="${cx}" y="${cy0}" width="14" height="${panelHeight}" fill="none" stroke="#333"/>`);
  for (const v of cb.ticks(5)) parts.push(`<line x1="${cx + 14}" x2="${cx + 18}" y1="${cb(v)}" y2="${cb(v)}" stroke="#333"/><text x="${cx + 21}" y="${cb(v) + 4}" font-size="11">${fmt(v)}</text>`);
  parts.push(`<text x="${cx + 7}" y="${cy0 - 6}" text-anchor="middle" font-size="11">dB</text>`);
  parts.push(`<text x="${m.l + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12">time (s)</text>`);
  if (title) parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  return svgDoc(width, height, parts);
}

function svgDoc(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`;
}

export interface LineSeries {
  name: string;
  /** x values (default 0, 1, 2, …). */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
}

export interface LinePlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Logarithmic y axis (values ≤ 0 are left out). */
  yLog?: boolean;
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/**
 * Line plots with ticked, labelled axes and a legend, as an SVG document. NaN breaks a line.
 * @example io.linePlotSvg([{ name: 'input', x: times, y: f0 }], { xLabel: 'time (s)', yLabel: 'f0 (Hz)' })
 */
export function linePlotSvg(series: LineSeries[], opts: LinePlotOptions = {}): string {
  const fn = 'linePlotSvg';
  const o = readOptions(fn, opts, ['title', 'xLabel', 'yLabel', 'yLog', 'width', 'height']);
  const { title, xLabel = '', yLabel = '', yLog = false, width = 900, height = 320 } = o;
  checkSize(fn, 'opts.width', width, 200);
  checkSize(fn, 'opts.height', height, 120);
  if (width > 10000 || height > 10000) fail(fn, `opts.width and opts.height must be at most 10000 (got ${width} × ${height})`);
  for (const [k, v] of [['title', title], ['xLabel', xLabel], ['yLabel', yLabel]] as const) if (v !== undefined && typeof v !== 'string') fail(fn, `opts.${k} must be a string (got ${typeof v})`);
  if (typeof yLog !== 'boolean') fail(fn, `opts.yLog must be true or false (got ${typeof yLog})`);
  if (!Array.isArray(series) || series.length === 0 || series.length > 16) fail(fn, `series must be 1 to 16 { name, y, x? } (got ${Array.isArray(series) ? series.length : typeof series})`);
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  const data = series.map((s, i) => {
    if (typeof s !== 'object' || s === null || typeof s.name !== 'string') fail(fn, `series[${i}] must be { name: string, y, x? }`);
    const ys = s.y;
    if (ys === null || typeof ys !== 'object' || typeof ys.length !== 'number' || ys.length === 0) fail(fn, `series[${i}].y must be a non-empty array of numbers`);
    if (ys.length > 2 ** 24) fail(fn, `series[${i}].y has ${ys.length} values, more than 2^24`);
    const xs = s.x;
    if (xs !== undefined && (xs === null || typeof xs !== 'object' || xs.length !== ys.length)) fail(fn, `series[${i}].x must have as many values as y (${ys.length})`);
    const pts: [number, number][] = [];
    for (let k = 0; k < ys.length; k++) {
      const xv = xs ? xs[k] : k;
      const yv = ys[k];
      if (typeof xv !== 'number' || typeof yv !== 'number' || Number.isNaN(xv) || !(Number.isFinite(xv) && (Number.isFinite(yv) || Number.isNaN(yv)))) fail(fn, `series[${i}] point ${k} is (${xv}, ${yv}); expected finite numbers (NaN y for a gap)`);
      if (Number.isNaN(yv) || (yLog && !(yv > 0))) {
        pts.push([xv, NaN]);
        continue;
      }
      pts.push([xv, yv]);
      if (xv < xMin) xMin = xv;
      if (xv > xMax) xMax = xv;
      if (yv < yMin) yMin = yv;
      if (yv > yMax) yMax = yv;
    }
    return { pts, name: s.name, color: typeof s.color === 'string' ? s.color : PALETTE[i % PALETTE.length] };
  });
  if (!Number.isFinite(yMin)) {
    xMin = 0;
    xMax = 1;
    yMin = yLog ? 1 : 0;
    yMax = yLog ? 10 : 1;
  }
  if (xMin === xMax) xMax = xMin + 1;
  if (yMin === yMax) {
    yMin = yLog ? yMin / 2 : yMin - 1;
    yMax = yLog ? yMax * 2 : yMax + 1;
  }
  const m = { l: 70, r: 20, t: title ? 34 : 14, b: 44 };
  const x = scaleLinear().domain([xMin, xMax]).range([m.l, width - m.r]).nice();
  const y = (yLog ? scaleLog().domain([yMin, yMax]) : scaleLinear().domain([yMin, yMax])).range([height - m.b, m.t]).nice();
  const parts: string[] = [];
  // Log axes: ticks at 1, 2 and 5 × 10^k (all of d3's when that leaves fewer than three).
  const lead = (v: number) => Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9));
  const y125 = yLog ? y.ticks(10).filter((v) => [1, 2, 5].includes(lead(v))) : [];
  const yTicks = yLog ? (y125.length >= 3 ? y125 : y.ticks(10)) : y.ticks(6);
  for (const v of yTicks) parts.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e3e3"/><text x="${m.l - 7}" y="${y(v) + 4}" text-anchor="end" font-size="11">${fmt(v)}</text>`);
  for (const v of x.ticks(8)) parts.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${height - m.b}" y2="${height - m.b + 4}" stroke="#333"/><text x="${x(v)}" y="${height - m.b + 16}" text-anchor="middle" font-size="11">${fmt(v)}</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${width - m.l - m.r}" height="${height - m.t - m.b}" fill="none" stroke="#333"/>`);
  for (const d of data) {
    const segs: string[] = [];
    let cur: string[] = [];
    for (const [xv, yv] of d.pts) {
      if (Number.isNaN(yv)) {
        if (cur.length) segs.push(cur.join(' '));
        cur = [];
      } else cur.push(`${x(xv).toFixed(1)},${y(yv).toFixed(1)}`);
    }
    if (cur.length) segs.push(cur.join(' '));
    for (const s of segs) parts.push(`<polyline fill="none" stroke="${esc(d.color)}" stroke-width="1.5" points="${s}"/>`);
  }
  const longest = Math.max(...data.map((d) => d.name.length));
  const legendW = 40 + 6.5 * longest;
  parts.push(`<rect x="${width - m.r - legendW - 8}" y="${m.t + 4}" width="${legendW + 4}" height="${16 * data.length + 6}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  data.forEach((d, i) => parts.push(`<line x1="${width - m.r - legendW}" x2="${width - m.r - legendW + 24}" y1="${m.t + 14 + 16 * i}" y2="${m.t + 14 + 16 * i}" stroke="${esc(d.color)}" stroke-width="2"/><text x="${width - m.r - legendW + 30}" y="${m.t + 18 + 16 * i}" font-size="11">${esc(d.name)}</text>`));
  parts.push(`<text x="${(m.l + width - m.r) / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(16,${(m.t + height - m.b) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`);
  if (title) parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  return svgDoc(width, height, parts);
}

