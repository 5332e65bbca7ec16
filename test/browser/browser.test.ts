/// <reference lib="dom" />
/**
 * In a real browser: test/browser/page.ts, bundled with esbuild and served from here, runs in
 * headless Chromium (Debian's `chromium`, driven by playwright-core). It renders a note, checks a
 * gradient, plays the AudioWorklet instrument (`ddsp/worklet`) through an OfflineAudioContext for
 * 1 s — equal to the one-shot render to 1e-6 (float32 output) — then again with a DDSP decoder
 * (the small preset, seeded weights) decoding f0 and loudness inside the worklet, and draws a
 * spectrogram. A second page runs ddsp/gpu (test/browser/gpuPage.ts) on the browser's GPU API.
 * Node only. Without Chromium it is skipped, except under CI=true, where it fails.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleOf, parse } from '../readmeBlocks.ts';

const isNode = (globalThis as { Deno?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;
const chromiumPath = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe.runIf(isNode)('in headless Chromium', () => {
  if (chromiumPath === undefined) {
    it.runIf(process.env.CI === 'true')('needs Chromium under CI (bash .ci/run installs Debian\'s chromium)', () => {
      throw new Error('no Chromium found (set CHROMIUM_PATH or apt-get install chromium)');
    });
    it.skip('skipped: no Chromium on this machine (apt-get install chromium, or set CHROMIUM_PATH)', () => {});
    return;
  }
  let server: Server;
  let url = '';
  const files = new Map<string, { type: string; body: string | Uint8Array }>();
  beforeAll(async () => {
    const bundle = async (entry: string) => {
      const r = await build({ entryPoints: [here(entry)], bundle: true, platform: 'browser', format: 'esm', write: false, minify: true, logLevel: 'silent' });
      return r.outputFiles[0].contents;
    };
    files.set('/page.js', { type: 'text/javascript', body: await bundle('./page.ts') });
    files.set('/worklet.js', { type: 'text/javascript', body: await bundle('../../src/realtime/worklet.ts') });
    // ddsp/gpu's page: gpu.js's browser build references the native `gl` (Node only), left external.
    const g = await build({ entryPoints: [here('./gpuPage.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, minify: true, logLevel: 'silent', external: ['gl', 'webgpu'] });
    files.set('/gpu.js', { type: 'text/javascript', body: g.outputFiles[0].contents });
    files.set('/gpu.html', { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>ddsp/gpu</title><script type="module" src="./gpu.js"></script>' });
    // README.md's browser blocks (type-checked by test/readme.test.ts), each as a module to import.
    const root = here('../..');
    const work = join(root, '.readme-check', 'browser');
    mkdirSync(work, { recursive: true });
    for (const b of parse(readFileSync(join(root, 'README.md'), 'utf8')).filter((x) => x.browser)) {
      const file = join(work, `block-${b.line}.ts`);
      writeFileSync(file, moduleOf(b, true, work));
      const r = await build({ entryPoints: [file], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
      files.set(`/readme-${b.line}.js`, { type: 'text/javascript', body: r.outputFiles[0].contents });
    }
    files.set('/', { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>ddsp</title><script type="module" src="./page.js"></script>' });
    server = createServer((req, res) => {
      const f = files.get(req.url ?? '/');
      if (!f) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': f.type }).end(f.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  }, 60_000);
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('renders, differentiates, plays the worklet equal to the one-shot render and draws a spectrogram', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
    try {
      const page = await browser.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { __ddsp?: unknown }).__ddsp !== undefined, undefined, { timeout: 60_000 });
      const r = (await page.evaluate(() => (window as unknown as { __ddsp: Record<string, unknown> }).__ddsp)) as Record<string, number | boolean | string>;
      expect(r.error, `${r.error}\n${logs.join('\n')}`).toBeUndefined();
      expect(r.peak as number).toBeGreaterThan(0.1);
      expect(r.gradientOk).toBe(true);
      expect(r.workletSamples).toBe(16000);
      expect(r.workletMaxError as number).toBeLessThan(1e-6);
      expect(r.svgInDom).toBe(true);
      expect(r.decoderPeak as number).toBeGreaterThan(1e-3);
      expect(r.decoderMaxError as number).toBeLessThan(1e-6);
      console.log(`browser: ${browser.version()}; worklet: 1 s rendered offline in ${(r.offlineRenderMs as number).toFixed(1)} ms (${(r.realTimeFactor as number).toFixed(0)}× real time), max |worklet − one-shot| ${(r.workletMaxError as number).toExponential(2)}; with the small preset's decoder inside: ${(r.decoderRenderMs as number).toFixed(1)} ms (${(r.decoderRealTimeFactor as number).toFixed(0)}× real time), max error ${(r.decoderMaxError as number).toExponential(2)}; page.js ${files.get('/page.js')?.body.length} B, worklet.js ${files.get('/worklet.js')?.body.length} B`);
    } finally {
      await browser.close();
    }
  }, 120_000);

  // Chromium's WebGPU on SwiftShader needs these flags (headless Chromium gives no adapter without them).
  const webgpuFlags = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];
  for (const [api, flags, modes] of [['WebGL2', [], ['webgl2', 'webgl']], ['WebGPU', webgpuFlags, ['webgpu']]] as const) {
    it(`runs ddsp/gpu on ${api} from a minified bundle, equal to the CPU reference`, async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--enable-unsafe-swiftshader', ...flags] });
      try {
        const page = await browser.newPage();
        const logs: string[] = [];
        page.on('console', (m) => logs.push(m.text()));
        page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
        await page.goto(`${url}gpu.html`);
        await page.waitForFunction(() => (window as unknown as { __gpu?: unknown }).__gpu !== undefined, undefined, { timeout: 90_000 });
        const r = (await page.evaluate(() => (window as unknown as { __gpu: Record<string, unknown> }).__gpu)) as Record<string, number | string>;
        expect(r.error, `${r.error}\n${logs.join('\n')}`).toBeUndefined();
        // A browser never falls back to gpu.js's CPU mode here: the API asked for is the one that ran.
        expect(modes as readonly string[]).toContain(r.mode);
        // SwiftShader's sin is less exact than lavapipe's: the synth agrees to ~1.2e-4 there.
        expect(r.synth as number).toBeLessThan(5e-4);
        expect(r.synthVjpAmp as number).toBeLessThan(5e-4);
        expect(r.lossValue as number).toBeLessThan(1e-5);
        expect(r.lossGrad as number).toBeLessThan(1e-3);
        expect(r.gru as number).toBeLessThan(1e-5);
        expect(r.reverb as number).toBeLessThan(1e-5);
        expect(r.reverbVjpIr as number).toBeLessThan(1e-5);
        console.log(`browser ddsp/gpu: ${r.describe}; synth ${(r.synth as number).toExponential(1)}, synth VJP ${(r.synthVjpAmp as number).toExponential(1)}, loss ${(r.lossValue as number).toExponential(1)}, loss gradient ${(r.lossGrad as number).toExponential(1)}, GRU ${(r.gru as number).toExponential(1)}, reverb ${(r.reverb as number).toExponential(1)}`);
      } finally {
        await browser.close();
      }
    }, 150_000);
  }

  it("runs README.md's browser blocks", async () => {
    const blocks = [...files.keys()].filter((k) => k.startsWith('/readme-'));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      for (const b of blocks) {
        // A string, not a function: vitest rewrites import() inside functions of this file.
        const r = await page.evaluate(`import(${JSON.stringify(`.${b}`)}).then(() => 'ok', (e) => e.message + '\\n' + e.stack)`);
        expect(r, `README.md block ${b}`).toBe('ok');
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});
