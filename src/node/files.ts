/**
 * Files: WAV in and out, and SVG figures rendered to PNG (Node, Deno, Bun).
 */
import { checkPositive, fail, readOptions, within } from '../core/errors.ts';
import { decodeWav, encodeWav, type EncodeWavOptions, type Wav } from '../io/wav.ts';

/** Read and decode a WAV file (Node, Deno or Bun). */
export async function readWav(path: string): Promise<Wav> {
  if (typeof path !== 'string' || path.length === 0) fail('readWav', `path must be a file path (got ${path === null ? 'null' : typeof path})`);
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(path));
  } catch (e) {
    return fail('readWav', `cannot read '${path}': ${(e as Error).message}`);
  }
  try {
    return decodeWav(bytes);
  } catch (e) {
    return fail('readWav', `'${path}': ${(e as Error).message.replace(/^decodeWav: /, '')}`);
  }
}

/** Encode and write a WAV file, creating its folder (Node, Deno or Bun). */
export async function writeWav(path: string, channels: Float64Array | Float64Array[], sampleRate: number, opts: EncodeWavOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) fail('writeWav', `path must be a file path (got ${path === null ? 'null' : typeof path})`);
  const bytes = within('writeWav', () => encodeWav(channels, sampleRate, opts));
  const fs = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await fs.mkdir(dirname(path), { recursive: true });
  await fs.writeFile(path, bytes);
}

/**
 * Render an SVG document to PNG bytes (through @resvg/resvg-js, with the system's fonts; Node and Bun).
 * @example await writeFile('fig.png', await node.svgToPng(svg))
 */
export async function svgToPng(svg: string, opts: { scale?: number } = {}): Promise<Uint8Array> {
  const fn = 'svgToPng';
  const { scale = 1 } = readOptions(fn, opts, ['scale']);
  checkPositive(fn, 'opts.scale', scale);
  if (scale > 8) fail(fn, `opts.scale must be at most 8 (got ${scale})`);
  if (typeof svg !== 'string' || !svg.includes('<svg')) fail(fn, `svg must be an SVG document (got ${typeof svg === 'string' ? `${svg.length} characters without <svg` : typeof svg})`);
  let Resvg: new (svg: string, o: unknown) => { render(): { asPng(): Uint8Array } };
  try {
    ({ Resvg } = (await import('@resvg/resvg-js')) as unknown as { Resvg: typeof Resvg });
  } catch (e) {
    return fail(fn, `PNG rendering needs the package @resvg/resvg-js (npm install @resvg/resvg-js): ${(e as Error).message}`);
  }
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' });
  return new Uint8Array(r.render().asPng());
}
