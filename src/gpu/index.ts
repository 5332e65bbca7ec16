/**
 * `ddsp/gpu`: gpu.js kernels for the hot loops, beside the CPU reference (the rest of the package).
 * gpu.js is an optional dependency: install it to use this subpath. The backend is picked once:
 * WebGPU where `navigator.gpu` gives an adapter (Deno, browsers), WebGL in a browser without one,
 * otherwise gpu.js's CPU mode (Node and Bun: headless-gl needs an X server and a native build) —
 * `describe` says which, in one line. Kernels compute in float32; what they share with the CPU path
 * in float64 (the phase accumulation) is done on the CPU first.
 *
 * Kernels so far: the harmonic synthesizer's forward pass, the filtered-noise FIR
 * (frequencyFilter), each with the CPU function's semantics and options, and a matrix product.
 */
import { checkBoolean, checkPositive, fail, readOptions } from '../core/errors.ts';
import { readLayout, type Signal } from '../core/frames.ts';
import { HARMONIC_KEYS, type HarmonicSynthOptions } from '../synths/harmonic.ts';
import { crossfade, foldHarmonicCotangents, harmonicsBelow, intervalPlan, wrapPhase } from '../synths/intervals.ts';
import { checkBlocks } from '../spectral/convolve.ts';
import { firLayout, frequencyImpulseResponse } from '../spectral/firDesign.ts';
import type { FrequencyFilterOptions } from '../spectral/frequencyFilter.ts';

export type GpuMode = 'auto' | 'webgpu' | 'webgl' | 'cpu';

export interface GpuBackend {
  /** The gpu.js mode that runs: 'webgpu', 'webgl2', 'webgl' or 'cpu'. */
  readonly mode: string;
  /** One line saying which backend runs (and why, for a fallback). */
  readonly describe: string;
  /**
   * harmonicSynth on the GPU: the same inputs and options, float32 audio out. The phase (a running
   * sum over every sample) is accumulated in float64 on the CPU and wrapped to [0, 2π) before upload.
   */
  harmonicSynth(amplitude: Signal, distribution: Signal, f0Hz: Signal, opts: HarmonicSynthOptions): Promise<Float32Array>;
  /**
   * frequencyFilter on the GPU (DDSP's time-varying FIR, 'same' padding): the IRs are designed on
   * the CPU (frequencyImpulseResponse), the convolution — each input sample through its own
   * block's IR — runs one output sample per GPU thread. Float32 audio out.
   */
  frequencyFilter(audio: Float64Array, magnitudes: Signal, opts?: FrequencyFilterOptions): Promise<Float32Array>;
  /**
   * harmonicSynthVjp on the GPU: the per-frame sums (harmonic amplitudes' cotangents) and the
   * per-sample phase cotangents run as two kernels; the reverse cumulative sum that turns phase into
   * f0 cotangents, and the folding onto amplitude and distribution, stay in float64 on the CPU.
   */
  harmonicSynthVjp(gAudio: Float64Array, amplitude: Signal, distribution: Signal, f0Hz: Signal, opts: HarmonicSynthOptions): Promise<{ amplitude: Float64Array; distribution: Float64Array; f0Hz: Float64Array; initialPhase: number }>;
  /**
   * C = A·B for row-major A [m, k] and B [k, n] (Float64Array or Float32Array), one output per GPU
   * thread, float32 accumulation. The product the dense layers and the GRU are made of.
   */
  matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Promise<Float32Array>;
}

interface GpuJs {
  mode: string;
  createKernel(fn: (...a: never[]) => number, settings: Record<string, unknown>): ((...a: unknown[]) => unknown) & { setOutput(o: number[]): void; setConstants(c: Record<string, number>): void };
}

async function loadGpuJs(fn: string): Promise<new (o: { mode?: string }) => GpuJs> {
  try {
    const m = (await import('gpu.js')) as unknown as { GPU: new (o: { mode?: string }) => GpuJs };
    return m.GPU;
  } catch (e) {
    return fail(fn, `ddsp/gpu needs the gpu.js package (an optional dependency): npm install gpu.js (${(e as Error).message})`);
  }
}

/** The mode to use and why. */
async function detect(wanted: GpuMode): Promise<{ mode: string; why: string }> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator;
  if (wanted === 'cpu') return { mode: 'cpu', why: 'asked for' };
  if (wanted === 'webgpu' || wanted === 'auto') {
    const adapter = nav?.gpu ? await nav.gpu.requestAdapter().catch(() => null) : null;
    if (adapter) {
      const info = (adapter as { info?: { description?: string; device?: string; isFallbackAdapter?: boolean } }).info;
      const name = info?.description || info?.device || 'an adapter';
      return { mode: 'webgpu', why: `navigator.gpu gave ${name}${info?.isFallbackAdapter ? ' (a software fallback, not a GPU)' : ''}` };
    }
    if (wanted === 'webgpu') return { mode: '', why: 'no WebGPU adapter (navigator.gpu is missing or gave none)' };
  }
  if ((wanted === 'webgl' || wanted === 'auto') && typeof (globalThis as { document?: unknown }).document !== 'undefined') {
    return { mode: 'gpu', why: 'a browser without WebGPU: WebGL' };
  }
  if (wanted === 'webgl') return { mode: '', why: 'WebGL needs a browser here (headless-gl is not set up)' };
  return { mode: 'cpu', why: 'no GPU API in this runtime (WebGPU: Deno or a browser; WebGL: a browser)' };
}

const fnName = 'gpuBackend';

/**
 * @example
 *   const gpu = await gpuBackend();            // console: "ddsp/gpu: webgpu (navigator.gpu gave …)"
 *   const audio = await gpu.harmonicSynth(amp, dist, f0, { nSamples: 64000 });
 */
export async function gpuBackend(opts: { mode?: GpuMode; quiet?: boolean } = {}): Promise<GpuBackend> {
  const { mode: wanted = 'auto', quiet = false } = readOptions(fnName, opts, ['mode', 'quiet']);
  if (!['auto', 'webgpu', 'webgl', 'cpu'].includes(wanted)) fail(fnName, `opts.mode must be one of 'auto', 'webgpu', 'webgl', 'cpu' (got ${String(wanted)})`);
  checkBoolean(fnName, 'opts.quiet', quiet);
  const GPU = await loadGpuJs(fnName);
  const d = await detect(wanted);
  if (d.mode === '') fail(fnName, `opts.mode '${wanted}' is not available: ${d.why}`);
  const gpu = new GPU({ mode: d.mode });
  const describe = `ddsp/gpu: ${gpu.mode} (${d.why})`;
  if (!quiet) console.log(describe);
  const kernels = new Map<string, ReturnType<GpuJs['createKernel']>>();

  /** Validated inputs and the CPU-side float64 preparation shared by the synth and its VJP. */
  function prepareHarmonic(fn: string, amplitude: Signal, distribution: Signal, f0Hz: Signal, o: HarmonicSynthOptions) {
    if (o === undefined) fail(fn, 'opts.nSamples is required');
    const { nSamples, sampleRate = 16000, ampResample = 'window', addEndpoint = true, initialPhase = 0 } = readOptions(fn, o, HARMONIC_KEYS);
    checkPositive(fn, 'opts.sampleRate', sampleRate);
    const A = readLayout(fn, 'amplitude', amplitude);
    const D = readLayout(fn, 'distribution', distribution);
    const F0 = readLayout(fn, 'f0Hz', f0Hz);
    const F = D.n;
    const K = D.c;
    if (A.n !== F || F0.n !== F || A.c !== 1 || F0.c !== 1) fail(fn, `amplitude [F], distribution [F, K] and f0Hz [F] must have the same frames (got ${A.n}, ${F}, ${F0.n})`);
    const { nIntervals, hop } = intervalPlan(fn, F, nSamples, addEndpoint);
    const alpha = crossfade(hop, ampResample);
    // CPU, float64: the wrapped phase and each sample's count of harmonics below Nyquist.
    const f0 = F0.data;
    const phase = new Float32Array(nSamples);
    const below = new Float32Array(nSamples);
    const w = (2 * Math.PI) / sampleRate;
    let phi = wrapPhase(initialPhase);
    for (let j = 0, n = 0; j < nIntervals; j++) {
      const fa = f0[j < F ? j : F - 1];
      const fd = f0[j + 1 < F ? j + 1 : F - 1] - fa;
      for (let t = 0; t < hop; t++, n++) {
        const f = fa + (t / hop) * fd;
        phi = wrapPhase(phi + w * f);
        phase[n] = phi;
        below[n] = harmonicsBelow(f, sampleRate / 2, K);
      }
    }
    // Harmonic amplitudes H = A·D per frame, the last repeated for the interval after it.
    const H = new Float32Array((nIntervals + 1) * K);
    for (let j = 0; j <= nIntervals; j++) {
      const src = j < F ? j : F - 1;
      for (let k = 0; k < K; k++) H[j * K + k] = A.data[src] * D.data[src * K + k];
    }
    return { nSamples, w, A, D, F, K, nIntervals, hop, alpha: Float32Array.from(alpha), phase, below, H };
  }

  async function run(kernel: ReturnType<GpuJs['createKernel']>, ...args: unknown[]): Promise<Float32Array | ArrayLike<ArrayLike<number>>> {
    let y = kernel(...args);
    if (y && typeof (y as Promise<unknown>).then === 'function') y = await y;
    return y as Float32Array | ArrayLike<ArrayLike<number>>;
  }

  function cached(key: string, make: () => ReturnType<GpuJs['createKernel']>): ReturnType<GpuJs['createKernel']> {
    let kernel = kernels.get(key);
    if (kernel === undefined) {
      kernel = make();
      if (kernels.size > 16) kernels.clear();
      kernels.set(key, kernel);
    }
    return kernel;
  }

  async function harmonicSynth(amplitude: Signal, distribution: Signal, f0Hz: Signal, o: HarmonicSynthOptions): Promise<Float32Array> {
    const p = prepareHarmonic('gpu.harmonicSynth', amplitude, distribution, f0Hz, o);
    const { K, hop, nSamples } = p;
    const kernel = cached(`synth:${K}:${hop}:${nSamples}`, () => gpu.createKernel(function (this: { thread: { x: number }; constants: { K: number; hop: number } }, ph: Float32Array, m: Float32Array, h: Float32Array, al: Float32Array) {
      const n = this.thread.x;
      const j = Math.floor(n / this.constants.hop);
      const t = n - j * this.constants.hop;
      const a = al[t];
      const q = ph[n];
      const mm = m[n];
      let acc = 0;
      for (let k = 0; k < this.constants.K; k++) {
        if (k < mm) {
          const h0 = h[j * this.constants.K + k];
          acc += (h0 + a * (h[(j + 1) * this.constants.K + k] - h0)) * Math.sin((k + 1) * q);
        }
      }
      return acc;
    } as never, { constants: { K, hop }, output: [nSamples] }));
    const y = await run(kernel, p.phase, p.below, p.H, p.alpha);
    return y instanceof Float32Array ? y : Float32Array.from(y as unknown as ArrayLike<number>);
  }

  async function harmonicSynthVjp(gAudio: Float64Array, amplitude: Signal, distribution: Signal, f0Hz: Signal, o: HarmonicSynthOptions) {
    const fn = 'gpu.harmonicSynthVjp';
    const p = prepareHarmonic(fn, amplitude, distribution, f0Hz, o);
    const { K, hop, nSamples, nIntervals, F, A, D, w } = p;
    const g = readLayout(fn, 'gAudio', gAudio).data;
    if (g.length !== nSamples) fail(fn, `gAudio must have ${nSamples} samples (got ${g.length})`);
    const gy = Float32Array.from(g);
    // Cotangents of H[j, k] (j ≤ nIntervals): Σ over interval j of ȳ(1 − α)·sin((k+1)φ), plus over
    // interval j − 1 of ȳ·α·sin((k+1)φ); harmonics at or above Nyquist contribute nothing.
    const gHk = cached(`gH:${K}:${hop}:${nIntervals}`, () => gpu.createKernel(function (this: { thread: { x: number; y: number }; constants: { hop: number; nIntervals: number } }, yb: Float32Array, ph: Float32Array, m: Float32Array, al: Float32Array) {
      const k = this.thread.x;
      const j = this.thread.y;
      let acc = 0;
      for (let t = 0; t < this.constants.hop; t++) {
        if (j < this.constants.nIntervals) {
          const n = j * this.constants.hop + t;
          if (k < m[n]) acc += yb[n] * (1 - al[t]) * Math.sin((k + 1) * ph[n]);
        }
        if (j >= 1) {
          const n2 = (j - 1) * this.constants.hop + t;
          if (k < m[n2]) acc += yb[n2] * al[t] * Math.sin((k + 1) * ph[n2]);
        }
      }
      return acc;
    } as never, { constants: { hop, nIntervals }, output: [K, nIntervals + 1] }));
    // Phase cotangents per sample: ȳ·Σ_k (k+1)·h_k·cos((k+1)φ).
    const gPk = cached(`gP:${K}:${hop}:${nSamples}`, () => gpu.createKernel(function (this: { thread: { x: number }; constants: { K: number; hop: number } }, yb: Float32Array, ph: Float32Array, m: Float32Array, h: Float32Array, al: Float32Array) {
      const n = this.thread.x;
      const j = Math.floor(n / this.constants.hop);
      const t = n - j * this.constants.hop;
      const a = al[t];
      const q = ph[n];
      const mm = m[n];
      let acc = 0;
      for (let k = 0; k < this.constants.K; k++) {
        if (k < mm) {
          const h0 = h[j * this.constants.K + k];
          acc += (k + 1) * (h0 + a * (h[(j + 1) * this.constants.K + k] - h0)) * Math.cos((k + 1) * q);
        }
      }
      return yb[n] * acc;
    } as never, { constants: { K, hop }, output: [nSamples] }));
    const rows = await run(gHk, gy, p.phase, p.below, p.alpha);
    const gPhiRaw = await run(gPk, gy, p.phase, p.below, p.H, p.alpha);
    const gH = new Float64Array((nIntervals + 1) * K);
    for (let j = 0; j <= nIntervals; j++) {
      const row = (rows as ArrayLike<ArrayLike<number>>)[j];
      for (let k = 0; k < K; k++) gH[j * K + k] = row[k];
    }
    const gPhi = gPhiRaw instanceof Float32Array ? gPhiRaw : Float32Array.from(gPhiRaw as unknown as ArrayLike<number>);
    // CPU, float64: the reverse sweep to f0, the endpoint fold and the product rule, as the CPU VJP.
    const { gAmp, gDist, gF0, acc } = foldHarmonicCotangents(gPhi, gH, A.data, D.data, F, K, nIntervals, hop, w, 0);
    return { amplitude: gAmp, distribution: gDist, f0Hz: gF0, initialPhase: acc };
  }

  async function frequencyFilter(audio: Float64Array, magnitudes: Signal, o: FrequencyFilterOptions = {}): Promise<Float32Array> {
    const fn = 'gpu.frequencyFilter';
    const { windowSize = 0, padding = 'same', delayCompensation } = readOptions(fn, o, ['windowSize', 'padding', 'delayCompensation']);
    if (padding !== 'same') fail(fn, `only opts.padding 'same' runs on the GPU so far (got ${String(padding)})`);
    const x = readLayout(fn, 'audio', audio).data;
    const M = readLayout(fn, 'magnitudes', magnitudes);
    const frames = M.shaped ? M.n : 1;
    const bands = M.shaped ? M.c : M.n;
    if (bands < 2) fail(fn, `magnitudes need at least 2 frequency bands (got ${bands})`);
    const hop = checkBlocks(fn, x.length, frames);
    const ir = frequencyImpulseResponse(magnitudes, { windowSize });
    const L = M.shaped ? (ir as { shape: number[] }).shape[1] : (ir as Float64Array).length;
    const irData = M.shaped ? (ir as { data: Float64Array }).data : (ir as Float64Array);
    const start = delayCompensation ?? firLayout(bands, windowSize, fn).zeroLag;
    if (!Number.isInteger(start) || start < 0) fail(fn, `opts.delayCompensation must be an integer >= 0 (got ${start})`);
    const N = x.length;
    const key = `fir:${N}:${L}:${hop}:${start}`;
    let kernel = kernels.get(key);
    if (kernel === undefined) {
      kernel = gpu.createKernel(function (this: { thread: { x: number }; constants: { L: number; hop: number; start: number; N: number } }, xs: Float32Array, irs: Float32Array) {
        const n = this.thread.x;
        let acc = 0;
        for (let i = 0; i < this.constants.L; i++) {
          const m = n + this.constants.start - i;
          if (m >= 0 && m < this.constants.N) {
            const b = Math.floor(m / this.constants.hop);
            acc += xs[m] * irs[b * this.constants.L + i];
          }
        }
        return acc;
      } as never, { constants: { L, hop, start, N }, output: [N] });
      if (kernels.size > 16) kernels.clear();
      kernels.set(key, kernel);
    }
    let y = kernel(Float32Array.from(x), Float32Array.from(irData));
    if (y && typeof (y as Promise<unknown>).then === 'function') y = await y;
    return y instanceof Float32Array ? y : Float32Array.from(y as unknown as ArrayLike<number>);
  }

  async function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Promise<Float32Array> {
    const fn = 'gpu.matmul';
    for (const [name, v] of [['m', m], ['k', k], ['n', n]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 2 ** 16) fail(fn, `${name} must be an integer in [1, 65536] (got ${v})`);
    }
    const isArr = (v: unknown) => v instanceof Float64Array || v instanceof Float32Array;
    if (!isArr(a) || a.length !== m * k) fail(fn, `a must be a Float64Array or Float32Array of m·k = ${m * k} values`);
    if (!isArr(b) || b.length !== k * n) fail(fn, `b must be a Float64Array or Float32Array of k·n = ${k * n} values`);
    for (const [name, v] of [['a', a], ['b', b]] as const) {
      for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) fail(fn, `${name}[${i}] is ${v[i]}; expected finite values`);
    }
    const key = `mm:${m}:${k}:${n}`;
    let kernel = kernels.get(key);
    if (kernel === undefined) {
      kernel = gpu.createKernel(function (this: { thread: { x: number; y: number }; constants: { K: number; N: number } }, A: Float32Array, B: Float32Array) {
        let s = 0;
        for (let i = 0; i < this.constants.K; i++) s += A[this.thread.y * this.constants.K + i] * B[i * this.constants.N + this.thread.x];
        return s;
      } as never, { constants: { K: k, N: n }, output: [n, m] });
      if (kernels.size > 16) kernels.clear();
      kernels.set(key, kernel);
    }
    let y = kernel(Float32Array.from(a), Float32Array.from(b));
    if (y && typeof (y as Promise<unknown>).then === 'function') y = await y;
    // gpu.js gives a 2-D output as rows (Float32Arrays); flatten row-major.
    const rows = y as ArrayLike<ArrayLike<number>> | Float32Array;
    if (rows instanceof Float32Array) return rows;
    const out = new Float32Array(m * n);
    for (let r = 0; r < m; r++) out.set(rows[r] as ArrayLike<number>, r * n);
    return out;
  }

  return { mode: gpu.mode, describe, harmonicSynth, harmonicSynthVjp, frequencyFilter, matmul };
}
