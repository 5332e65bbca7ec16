/**
 * The main entry is browser-safe and tree-shakes: esbuild bundles `src/index.ts` for the browser
 * (no `node:*` module anywhere in its graph), and a bundle that uses only the harmonic synth carries
 * neither the WAV nor the PNG, plotting or audio-decoding code. Node only (esbuild's native binary).
 */
import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const isNode = (globalThis as { Deno?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;
const root = fileURLToPath(new URL('../..', import.meta.url));

async function bundle(contents: string) {
  const r = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'browser', format: 'esm',
    minify: true, write: false, metafile: true, logLevel: 'silent',
  });
  const meta = r.metafile as Metafile;
  const out = Object.values(meta.outputs)[0];
  const packages = new Set(Object.keys(out.inputs).filter((k) => out.inputs[k].bytesInOutput > 0 && k.includes('node_modules/'))
    .map((k) => k.split('node_modules/').pop()?.split('/').slice(0, k.includes('node_modules/@') ? 2 : 1).join('/') as string));
  return { bytes: r.outputFiles[0].contents.length, inputs: Object.keys(meta.inputs), packages };
}

describe.runIf(isNode)('browser bundles', () => {
  it('the whole main entry bundles for the browser without a node: module', async () => {
    const b = await bundle("import * as ddsp from './src/index.ts'; (globalThis as any).ddsp = ddsp;");
    expect(b.inputs.filter((k) => k.startsWith('node:'))).toEqual([]);
    expect(b.packages.has('fft.js')).toBe(true);
    expect(b.bytes).toBeGreaterThan(100_000);
  });
  it('a synth-only bundle carries no WAV, PNG, plotting or decoder code', async () => {
    const b = await bundle("import { synths } from './src/index.ts'; (globalThis as any).h = synths.harmonicSynth;");
    for (const p of ['wavefile', 'fast-png', 'd3-scale', 'mpg123-decoder', '@wasm-audio-decoders/flac']) expect(b.packages.has(p), p).toBe(false);
    expect([...b.packages].sort()).toEqual(['fft.js', 'iota-array', 'is-buffer', 'ndarray']);
    expect(b.bytes).toBeLessThan(60_000);
  });
});
