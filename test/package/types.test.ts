/**
 * What a TypeScript consumer sees: the package is built (declarations included) into a scratch
 * copy with its package.json, installed by a link into a consumer project, and the consumer's code
 * is type-checked with skipLibCheck false and true. Its types must be real (not `any`): the
 * `@ts-expect-error` lines fail the check if frames or graph outputs became `any`. Node only.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const isNode = (globalThis as { Deno?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

const consumer = `import { chain, fanout, filteredNoise, frames, harmonic, pick, sum, synths, losses } from 'ddsp';
import { lossPool } from 'ddsp/node';
import { signal } from 'ddsp/testing';
import { gpuBackend, type GpuBackend } from 'ddsp/gpu';

const F = 10;
const { audio } = synths.harmonicSynth(new Float64Array(F).fill(0.2), frames(new Float64Array(F * 3).fill(1 / 3), F, 3), new Float64Array(F).fill(220), { nSamples: 640 });
const a: Float64Array = audio;
const fr = frames(new Float64Array(4), 2, 2);
const v: number = fr.get(0, 1);
// @ts-expect-error frames are typed ndarrays, not any: get() gives a number
const s: string = fr.get(0, 0);
const model = chain(
  fanout({ h: chain(pick('h'), harmonic({ nSamples: 640 })), n: chain(pick('n'), filteredNoise({ nSamples: 640 })) }),
  sum(),
);
const y: Float64Array = model.forward({ h: { amplitudes: a, harmonicDistribution: fr, f0Hz: a }, n: fr }, {});
// @ts-expect-error the model's output is a Float64Array, not any
const z: string = model.forward({ h: { amplitudes: a, harmonicDistribution: fr, f0Hz: a }, n: fr }, {});
const loss: number = losses.spectralLossValueAndGrad(a, a, { fftSizes: [64] }).value;
const pool = lossPool({ threads: 1 });
const arb = signal({ maxLength: 8 });
const gpu: Promise<GpuBackend> = gpuBackend({ mode: 'cpu', quiet: true });
// @ts-expect-error the backend's mode is a union of names, not any string
const badMode = gpuBackend({ mode: 'cuda' });
const gpuLoss: Promise<number> = gpu.then((g) => g.makeSpectralLoss(a)).then((l) => l.loss(a));
export { v, s, y, z, loss, pool, arb, gpu, badMode, gpuLoss };
`;

describe.runIf(isNode)('types for consumers', () => {
  it('type-check a consumer of ddsp, ddsp/node, ddsp/testing and ddsp/gpu with skipLibCheck false and true', () => {
    // Outside the repository: inside it, TypeScript would resolve 'ddsp' to this package itself
    // (self-reference through "exports") instead of the installed copy.
    const work = mkdtempSync(join(tmpdir(), 'ddsp-consumer-'));
    const pkg = join(work, 'pkg');
    mkdirSync(join(work, 'app', 'node_modules'), { recursive: true });
    mkdirSync(pkg, { recursive: true });
    // The package as published: its package.json and dist/ (built here, declarations included).
    const b = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist'), '--sourceMap', 'false'], { encoding: 'utf8', timeout: 300_000 });
    expect(b.status, `${b.stdout}${b.stderr}`).toBe(0);
    copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
    // Its dependencies, as npm would have installed them beside it.
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    symlinkSync(pkg, join(work, 'app', 'node_modules', 'ddsp'), 'dir');
    writeFileSync(join(work, 'app', 'index.ts'), consumer);
    for (const skipLibCheck of [false, true]) {
      writeFileSync(join(work, 'app', 'tsconfig.json'), JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
        files: ['index.ts'],
      }));
      const r = spawnSync(process.execPath, [tsc, '-p', join(work, 'app')], { encoding: 'utf8', timeout: 300_000 });
      expect(r.status, `skipLibCheck ${skipLibCheck}:\n${r.stdout}${r.stderr}`).toBe(0);
    }
    rmSync(work, { recursive: true, force: true });
  }, 300_000);
});
