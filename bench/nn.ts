/** Benchmarks of the GEMM kernel and the layers it serves, against baselines in the same run. */
import ndarray from 'ndarray';
import { gemm, gemmNaive } from '../src/backends/cpu/gemm.ts';
import { frames } from '../src/core/frames.ts';
import { dense, denseVjp, gru, gruVjp, initRnnFcDecoder, layers, presets, rnnFcDecoder } from '../src/nn/index.ts';
import { named } from '../src/graph/combinators.ts';
import { compare, noise, printTable, type Row } from './harness.ts';


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

/**
 * One training step's gradient of the `small` preset (2-s examples) at batch 1, 4 and 16, on 1 and
 * on 2 worker threads. Run Node with --single-threaded-gc for the 2-worker figures (V8's parallel
 * GC helpers otherwise compete with the workers for the cores).
 */
export async function benchParallel(): Promise<void> {
  const { dataParallel } = await import('../src/train/parallel.ts');
  const { initAutoencoder, preprocess, loudnessFeature, framesPerExample } = await import('../src/nn/index.ts');
  const preset = presets.small;
  const T = framesPerExample(preset);
  const example = (b: number) => {
    const audio = noise(preset.nSamples, 20 + b).map((v) => 0.5 * v);
    const f0 = new Float64Array(T).fill(220 + 30 * (b % 8));
    const ld = loudnessFeature([audio], preset).data;
    const s = preprocess(ndarray(f0, [T, 1]), ndarray(ld, [T, 1]));
    return { f0_scaled: Float64Array.from(s.f0_scaled.data), ld_scaled: Float64Array.from(s.ld_scaled.data), f0_hz: f0, audio };
  };
  const params = initAutoencoder({ preset }, 0);
  const module = new URL('../src/train/autoencoderTask.ts', import.meta.url);
  const batches = [1, 4, 16].map((n) => Array.from({ length: n }, (_, b) => example(b)));
  const times: Record<number, number>[] = batches.map(() => ({}));
  for (const workers of [1, 2]) {
    // One pool at a time: idle threads of another pool would still hold memory and GC work.
    const dp = await dataParallel({ module, config: { preset: 'small' }, workers, execArgv: ['--import', 'tsx'] });
    for (const [k, batch] of batches.entries()) {
      await dp.valueAndGrad(params, batch); // warm-up
      const runs = batch.length >= 16 ? 2 : 3;
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) await dp.valueAndGrad(params, batch);
      times[k][workers] = (performance.now() - t0) / runs;
    }
    await dp.close();
  }
  const lines = batches.map((b, k) => `batch ${b.length}: ${times[k][1].toFixed(0)} ms on 1 worker, ${times[k][2].toFixed(0)} ms on 2 (${(times[k][1] / times[k][2]).toFixed(2)}×)`);
  console.log(`\ntraining step (gradient), small preset, 2-s examples: ${lines.join('; ')}`);
}
