/** Benchmarks of the GEMM kernel and the layers it serves, against baselines in the same run. */
import ndarray from 'ndarray';
import { gemm, gemmNaive } from '../src/backends/cpu/gemm.ts';
import { frames } from '../src/core/frames.ts';
import { dense, denseVjp, gru, gruVjp, initRnnFcDecoder, layers, presets, rnnFcDecoder } from '../src/nn/index.ts';
import { named } from '../src/graph/combinators.ts';
import { compare, printTable, type Row } from './harness.ts';

function noise(n: number, seed = 1): Float64Array {
  let s = seed;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

export function benchNn(): Row[] {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const [M, N, K] of [[256, 256, 256], [1000, 512, 512]]) {
    const A = noise(M * K, 1);
    const B = noise(K * N, 2);
    const C = new Float64Array(M * N);
    const r = compare({
      name: `gemm ${M}×${K} · ${K}×${N}`,
      ours: () => (gemm('N', 'N', M, N, K, A, 0, K, B, 0, N, 0, C, 0, N), C),
      baseline: () => (gemmNaive('N', 'N', M, N, K, A, B, C), C),
      baselineName: 'naive triple loop',
    });
    rows.push(r);
    notes.push(`gemm ${M}×${K}·${K}×${N}: ${((2 * M * N * K) / r.oursMs / 1e6).toFixed(2)} GFLOP/s blocked, ${((2 * M * N * K) / r.baselineMs / 1e6).toFixed(2)} GFLOP/s naive`);
  }
  // DDSP's FC layer: 1000 frames, 512 → 512.
  const x = frames(noise(1000 * 512, 3), 1000, 512);
  const { kernel, bias } = layers.initDense(0, 512, 512);
  const y = dense(x, kernel, bias);
  rows.push(compare({ name: 'dense 1000 × 512 → 512: VJP (x̄, W̄, b̄)', ours: () => denseVjp(y, x, kernel, bias).kernel.data, baseline: () => dense(x, kernel, bias).data, baselineName: 'its forward alone' }));
  // A GRU over 1000 frames (4 s at 250 frames/s), batch 1.
  for (const u of [64, 256]) {
    const xs = ndarray(noise(1000 * u, 4), [1, 1000, u]);
    const w = layers.initGru(1, u, u);
    const seq = gru(xs, w).sequence;
    rows.push(compare({ name: `gru ${u} units, 1000 frames: forward + BPTT`, ours: () => gruVjp({ sequence: seq }, xs, w).x.data, baseline: () => gru(xs, w).sequence.data, baselineName: 'its forward alone' }));
  }
  printTable('nn', rows);
  console.log(`\n${notes.join('; ')}`);
  benchDecoders();
  return rows;
}

/** Decoder forward + backward per example, per preset (DDSP_BENCH_SOLO=1 adds solo_instrument, ~10 s a run). */
export function benchDecoders(): void {
  const lines: string[] = [];
  const names: (keyof typeof presets)[] = ['tinyInstrument', 'small', 'vst', ...(process.env.DDSP_BENCH_SOLO ? (['soloInstrument'] as const) : [])];
  for (const name of names) {
    const preset = presets[name];
    const T = (preset.nSamples * preset.frameRate) / preset.sampleRate;
    const dec = named('d', rnnFcDecoder(preset.decoder));
    const p = { d: initRnnFcDecoder(preset.decoder, 0) };
    const x = Object.fromEntries(preset.decoder.inputKeys.map((k: string, i: number) => [k, ndarray(noise(T, 5 + i), [1, T, 1])]));
    const t0 = performance.now();
    let runs = 0;
    while (runs < 2 || performance.now() - t0 < 1500) {
      const [y, back] = dec.vjp(x, p);
      back(y);
      runs++;
    }
    const ms = (performance.now() - t0) / runs;
    lines.push(`${name}: ${ms.toFixed(0)} ms per ${(preset.nSamples / preset.sampleRate).toFixed(1)}-s example (${T} frames) forward + backward`);
  }
  console.log(`\ndecoders, batch 1, one core: ${lines.join('; ')}`);
}
