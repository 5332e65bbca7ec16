/**
 * `ddsp/gpu`: gpu.js kernels for the training stack's hot loops, beside the CPU reference (the
 * rest of the package). gpu.js is an optional dependency: install it to use this subpath. The
 * backend is picked once: WebGPU where `navigator.gpu` gives an adapter (Deno, browsers), WebGL2
 * in a browser without one, headless-gl in Node when the optional native `gl` package loads and an
 * X display exists, otherwise gpu.js's CPU mode — `describe` says which, in one line.
 *
 * Kernels compute in float32; what needs float64 (the phase accumulation, the f0 reverse sweep,
 * the FIR design) runs on the CPU around them. Families, each forward and VJP: the harmonic
 * synthesizer (batched), the filtered-noise FIR, spectra and the multi-scale spectral loss, DDSP's
 * reverb, GEMM/dense, Keras' GRU and DDSP's RnnFcDecoder; and two device pipelines: a batch's
 * synth + noise (+ reverb) → loss → gradients, and nn.autoencoder's whole training step.
 * Layout: device.ts (buffers, kernel cache), synth.ts, fir.ts, spectral.ts, loss.ts, nn.ts,
 * decoder.ts; this file validates inputs and wires them together.
 */
import { checkBoolean, checkOneOf, fail, readOptions } from '../core/errors.ts';
import type { HarmonicSynthOptions } from '../synths/harmonic.ts';
import { filter, filterVjpAudio, filterVjpMagnitudes, planFir } from './fir.ts';
import { planHarmonic, synthesize, synthesizeBackward, type HarmonicGrads, type HarmonicInputs } from './synth.ts';
import type { FrequencyFilterOptions } from '../spectral/frequencyFilter.ts';
import { frames, type Frames, type Signal } from '../core/frames.ts';
import { stftGeometry, STFT_KEYS, type StftOptions } from '../spectral/stft.ts';
import type { SpectralLossOptions } from '../losses/spectralLoss.ts';
import ndarray from 'ndarray';
import { readDense } from '../nn/dense.ts';
import { readGru, type GruGrads, type GruOptions, type GruOutput, type GruWeights } from '../nn/gru.ts';
import { readMatrix, readRows, type Tensor } from '../nn/tensor.ts';
import { columnSums, gemm, gruBackward, gruForward, type GruDevWeights, type GruShape } from './nn.ts';
import { addBufs, Device, f32, GpuArray, inputBuf, type Buf, type GpuInput, type GpuJs } from './device.ts';
import { dftPlan, magnitudes, reverbBackward, reverbForward, reverbPlan, spectra, type ReverbPlan } from './spectral.ts';
import { deviceLoss, lossTerms } from './loss.ts';
import { decoderBackward, decoderForward, decoderWeights, freeTape, type Fc32 } from './decoder.ts';
import { initRnnFcDecoder, readDecoder, type RnnFcDecoderOptions } from '../nn/decoder.ts';
import { readPreset, type AutoencoderOptions } from '../nn/autoencoder.ts';
import { filteredNoiseControls, harmonicControls } from '../graph/synthNodes.ts';
import { uniformNoise } from '../synths/noise.ts';
import type { Params } from '../core/tree.ts';
import { checkLike } from './checkLike.ts';

export type { GpuArray, GpuInput } from './device.ts';
export type { HarmonicGrads, HarmonicInputs } from './synth.ts';

/** A multi-scale spectral loss whose target's spectra stay on the device. */
export interface GpuSpectralLoss {
  /** The loss of `value` against the target (float32 kernels, summed in float64). */
  loss(value: GpuInput): Promise<number>;
  /** The loss and its gradient with respect to `value`, read back as float64. */
  valueAndGrad(value: GpuInput): Promise<{ value: number; grad: Float64Array }>;
  /** The loss, and the gradient left on the device for the next kernel (free it when done). */
  valueAndGradOnDevice(value: GpuInput): Promise<{ value: number; grad: GpuArray }>;
  /** Release the target's device buffers. */
  free(): void;
}

/** A decoder on the GPU (see GpuBackend.rnnFcDecoder). */
export interface GpuDecoder {
  /** The named outputs, each [B, T, width] (or [T, width] for 2-D inputs). */
  forward(inputs: Record<string, Tensor>, params: Params): Promise<Record<string, Tensor>>;
  /** The outputs, and a pullback (run once) from their cotangents to the parameters' cotangent tree. */
  vjp(inputs: Record<string, Tensor>, params: Params): Promise<[Record<string, Tensor>, (g: Record<string, Tensor | undefined>) => Promise<Params>]>;
}

/** A training step on the GPU (see GpuBackend.autoencoder). */
export interface GpuAutoencoder {
  /** The batch's mean loss and its gradient with respect to the parameters ({ decoder }). */
  valueAndGrad(x: { [key: string]: Tensor | readonly Float64Array[] }, params: Params): Promise<{ value: number; grad: Params }>;
}

/** One example of a harmonic-plus-filtered-noise model: the synth's controls and the noise's. */
export interface HarmonicNoiseExample extends HarmonicInputs {
  /** The noise to filter, nSamples values (e.g. uniformNoise). */
  noise: Float64Array | Float32Array;
  /** frequencyFilter's magnitudes [frames, bands]. */
  noiseMagnitudes: Signal;
}

export interface HarmonicNoiseLossOptions {
  /** harmonicSynth's options; nSamples is every example's length. */
  synth: HarmonicSynthOptions;
  /** frequencyFilter's options ('same' padding). */
  filter?: FrequencyFilterOptions;
  /** The spectral loss (magnitude and log-magnitude terms). */
  loss?: SpectralLossOptions;
  /** Compute the f0 cotangents (default true); false skips a kernel and a readback, f0Hz grads are zero. */
  wrtF0?: boolean;
}

export interface HarmonicNoiseGrads {
  amplitude: Float64Array;
  distribution: Float64Array;
  f0Hz: Float64Array;
  noiseMagnitudes: Signal;
}

/**
 * audio_b = harmonicSynth(example b) + frequencyFilter(noise_b, noiseMagnitudes_b), scored against
 * target b: the whole forward and backward pass as one GPU pipeline.
 */
export interface HarmonicNoiseLoss {
  /**
   * Each example's loss. `shared.reverbIr`: DDSP's reverb (one IR for the batch, its first tap
   * masked, the dry signal added) after the synthesis.
   */
  loss(examples: readonly HarmonicNoiseExample[], shared?: { reverbIr?: Float64Array }): Promise<number[]>;
  /**
   * Each example's loss and the gradients of that loss with respect to its controls; with a
   * reverb, `shared.reverbIr` is the gradient of the losses' sum with respect to the IR.
   */
  valueAndGrad(examples: readonly HarmonicNoiseExample[], shared?: { reverbIr?: Float64Array }): Promise<{ values: number[]; grads: HarmonicNoiseGrads[]; shared?: { reverbIr: Float64Array } }>;
  /** Release the targets' device buffers. */
  free(): void;
}

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
  /** harmonicSynth for a batch of examples (same frames and harmonics) in one kernel launch. */
  harmonicSynthBatch(items: readonly HarmonicInputs[], opts: HarmonicSynthOptions): Promise<Float32Array[]>;
  /**
   * harmonicSynthVjp on the GPU: the per-interval sums (harmonic amplitudes' cotangents) and the
   * per-sample phase cotangents run as two kernels; the reverse cumulative sum that turns phase into
   * f0 cotangents, and the folding onto amplitude and distribution, stay in float64 on the CPU.
   * `gAudio` may be a GpuArray (e.g. a loss gradient left on the device).
   */
  harmonicSynthVjp(gAudio: GpuInput, amplitude: Signal, distribution: Signal, f0Hz: Signal, opts: HarmonicSynthOptions): Promise<HarmonicGrads>;
  /** harmonicSynthVjp for a batch: one audio cotangent per example, the same two kernel launches. */
  harmonicSynthBatchVjp(gAudio: readonly GpuInput[], items: readonly HarmonicInputs[], opts: HarmonicSynthOptions): Promise<HarmonicGrads[]>;
  /**
   * frequencyFilter on the GPU (DDSP's time-varying FIR, 'same' padding): the IRs are designed on
   * the CPU (frequencyImpulseResponse), the convolution — each input sample through its own
   * block's IR — runs one output sample per GPU thread. Float32 audio out.
   */
  frequencyFilter(audio: GpuInput, magnitudes: Signal, opts?: FrequencyFilterOptions): Promise<Float32Array>;
  /**
   * frequencyFilterVjp on the GPU: the audio's and the IRs' cotangents as two kernels; the IRs'
   * are folded onto the magnitudes in float64 on the CPU. `opts.wrt` picks what is computed.
   */
  frequencyFilterVjp(gy: GpuInput, audio: GpuInput, magnitudes: Signal, opts?: FrequencyFilterOptions & { wrt?: 'both' | 'audio' | 'magnitudes' }): Promise<{ audio?: Float64Array; magnitudes?: Signal }>;
  /**
   * C = A·B for row-major A [m, k] and B [k, n] (Float64Array or Float32Array), one output per GPU
   * thread, float32 accumulation. The product the dense layers and the GRU are made of.
   */
  matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Promise<Float32Array>;
  /** dense (y = x·W + b) on the GPU: one GEMM kernel with the bias; float64 Tensor out. */
  dense(x: Tensor, kernel: Frames, bias: Float64Array): Promise<Tensor>;
  /** denseVjp on the GPU: x̄ = ȳ·Wᵀ and W̄ = xᵀ·ȳ as strided GEMMs, b̄ a column sum. */
  denseVjp(gy: Tensor, x: Tensor, kernel: Frames, bias: Float64Array): Promise<{ x: Tensor; kernel: Frames; bias: Float64Array }>;
  /**
   * gru (Keras' GRU, reset_after) on the GPU: the input projection as one GEMM, then one kernel per
   * time step with the state kept on the device; the sequence is gathered there and read back once.
   */
  gru(x: Tensor, weights: GruWeights, opts?: GruOptions): Promise<GruOutput>;
  /**
   * gruVjp on the GPU: back-propagation through time with three kernels per step (recurrent
   * projection, gate cotangents, carry), then the weights', biases' and input's cotangents as one
   * GEMM or column sum each over every frame of every example.
   */
  gruVjp(g: { sequence?: Tensor; state?: Frames }, x: Tensor, weights: GruWeights, opts?: GruOptions): Promise<GruGrads>;
  /**
   * DDSP's RnnFcDecoder (nn.rnnFcDecoder's structure and parameter tree) on the GPU: `forward`
   * gives the named outputs; `vjp` gives them and a pullback from their cotangents to the
   * parameters' (the inputs are data), with every activation kept on the device in between.
   */
  rnnFcDecoder(opts: RnnFcDecoderOptions): GpuDecoder;
  /**
   * DDSP's autoencoder training step (nn.autoencoder's loss and parameter tree, the preset's
   * decoder, harmonic + filtered-noise synthesis, the multi-scale spectral loss averaged over the
   * batch) with the decoder, the synthesis, the loss and their backward passes on the GPU; the
   * synth nodes' control scaling (exp-sigmoid, Nyquist normalisation) runs in float64 on the CPU
   * between them; with the preset's trainable reverb (DDSP's, one IR for the batch) as DFT
   * products on the device.
   */
  autoencoder(opts: AutoencoderOptions): GpuAutoencoder;
  /**
   * DDSP's reverb (effects.reverb: y = x + x ∗ ir with ir[0] masked, 'same' length) as a product
   * of real DFTs of nextPow2(N + L − 1) points on the GPU (four-step transforms). Float32 out.
   */
  reverb(audio: GpuInput, ir: Float64Array, opts?: { addDry?: boolean }): Promise<Float32Array>;
  /** reverbVjp on the GPU: the audio's cotangent and the IR's (first tap 0), as DFT products. */
  reverbVjp(gy: GpuInput, audio: GpuInput, ir: Float64Array, opts?: { addDry?: boolean }): Promise<{ audio: Float64Array; ir: Float64Array }>;
  /**
   * How many device buffers are held now (results not yet freed: GpuArrays, losses' targets).
   * Diagnostics: in a training loop it stays flat; 0 in gpu.js's CPU mode.
   */
  liveBuffers(): number;
  /** Copy an array to the device, for functions that take a GpuInput. */
  upload(x: Float64Array | Float32Array): GpuArray;
  /**
   * magnitudeSpectrogram on the GPU: |STFT| [nFrames, fftSize/2 + 1] with the CPU function's
   * options (window, hop/overlap, padEnd, center, fftSize ≥ frameSize), as a four-step DFT in two
   * kernels; read back as float64 Frames.
   */
  magnitudeSpectrogram(audio: GpuInput, opts?: StftOptions): Promise<Frames>;
  /**
   * makeSpectralLoss on the GPU: the target's magnitudes are computed once and kept on the device;
   * each call runs the spectra, the per-frame losses and (for the gradient) the adjoint transform
   * and overlap-add there, reading back one number per frame (and the gradient, if asked).
   * Magnitude and log-magnitude terms (DDSP's loss), L1 or L2, either log form, any framing.
   */
  makeSpectralLoss(target: Float64Array | Float32Array, opts?: SpectralLossOptions): Promise<GpuSpectralLoss>;
  /**
   * A training step's output stage on the GPU, batched: harmonic synth + filtered noise → audio →
   * multi-scale spectral loss → gradients, with every intermediate (audio, spectra, the audio's
   * cotangent) kept on the device; what comes back is one number per frame, the harmonic
   * amplitudes' and phase cotangents and the IRs' cotangents, folded onto the controls in float64.
   * @example
   *   const step = await gpu.makeHarmonicNoiseLoss([target], { synth: { nSamples: 64000 }, loss: { logmagWeight: 1 } });
   *   const { values, grads } = await step.valueAndGrad([{ amplitude, distribution, f0Hz, noise, noiseMagnitudes }]);
   */
  makeHarmonicNoiseLoss(targets: readonly (Float64Array | Float32Array)[], opts: HarmonicNoiseLossOptions): Promise<HarmonicNoiseLoss>;
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
async function detect(wanted: GpuMode, GPU: { isWebGL2Supported?: boolean; isWebGLSupported?: boolean }): Promise<{ mode: string; why: string }> {
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
    if (GPU.isWebGL2Supported) return { mode: 'webgl2', why: `a browser ${wanted === 'auto' ? 'without a WebGPU adapter' : ''}: WebGL2`.replace(' :', ':') };
    if (GPU.isWebGLSupported) return { mode: 'webgl', why: `a browser ${wanted === 'auto' ? 'without a WebGPU adapter' : ''}: WebGL`.replace(' :', ':') };
    if (wanted === 'webgl') return { mode: '', why: 'this browser has no WebGL' };
  }
  // Node: headless-gl (the optional native `gl` package) when an X display exists.
  const proc = (globalThis as { process?: { versions?: { node?: string; bun?: string }; env?: Record<string, string | undefined> } }).process;
  const isNode = !!proc?.versions?.node && !proc.versions.bun && !(globalThis as { Deno?: unknown }).Deno;
  let glWhy = 'WebGL needs a browser, or headless-gl in Node';
  if (isNode && (wanted === 'webgl' || wanted === 'auto')) {
    if (!proc?.env?.DISPLAY) glWhy = 'headless-gl needs an X display (DISPLAY is unset; run under xvfb-run)';
    else if (!(await glLoads())) glWhy = 'headless-gl needs the optional native package gl (npm install gl)';
    else return { mode: 'headlessgl', why: `headless-gl on display ${proc.env.DISPLAY}` };
  }
  if (wanted === 'webgl') return { mode: '', why: glWhy };
  return { mode: 'cpu', why: `no GPU API in this runtime (WebGPU: Deno or a browser; WebGL: a browser${isNode ? `; ${glWhy}` : ''})` };
}

/** Whether the optional `gl` package loads (named through a variable so bundlers leave it alone). */
async function glLoads(): Promise<boolean> {
  const name = 'gl';
  try {
    const m = (await import(name)) as { default?: unknown };
    return typeof (m.default ?? m) === 'function';
  } catch {
    return false;
  }
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
  const d = await detect(wanted, GPU as unknown as { isWebGL2Supported?: boolean; isWebGLSupported?: boolean });
  if (d.mode === '') fail(fnName, `opts.mode '${wanted}' is not available: ${d.why}`);
  const gpu = new GPU({ mode: d.mode });
  const describe = `ddsp/gpu: ${gpu.mode} (${d.why})`;
  if (!quiet) console.log(describe);
  const dev = new Device(gpu);

  async function harmonicSynth(amplitude: Signal, distribution: Signal, f0Hz: Signal, o: HarmonicSynthOptions): Promise<Float32Array> {
    const p = planHarmonic('gpu.harmonicSynth', [{ amplitude, distribution, f0Hz }], o);
    const y = await synthesize(dev, p);
    const out = await dev.read(y);
    dev.free(y);
    return out;
  }

  async function harmonicSynthBatch(items: readonly HarmonicInputs[], o: HarmonicSynthOptions): Promise<Float32Array[]> {
    const fn = 'gpu.harmonicSynthBatch';
    if (!Array.isArray(items) || items.length < 1) fail(fn, 'items must be a non-empty array of { amplitude, distribution, f0Hz }');
    const p = planHarmonic(fn, items, o);
    const y = await synthesize(dev, p);
    const flat = await dev.read(y);
    dev.free(y);
    return items.map((_, b) => flat.slice(b * p.nSamples, (b + 1) * p.nSamples));
  }

  async function harmonicSynthVjp(gAudio: GpuInput, amplitude: Signal, distribution: Signal, f0Hz: Signal, o: HarmonicSynthOptions): Promise<HarmonicGrads> {
    const fn = 'gpu.harmonicSynthVjp';
    const p = planHarmonic(fn, [{ amplitude, distribution, f0Hz }], o);
    const g = inputBuf(fn, 'gAudio', gAudio, p.nSamples);
    return (await synthesizeBackward(dev, p, g.buf))[0];
  }

  async function harmonicSynthBatchVjp(gAudio: readonly GpuInput[], items: readonly HarmonicInputs[], o: HarmonicSynthOptions): Promise<HarmonicGrads[]> {
    const fn = 'gpu.harmonicSynthBatchVjp';
    if (!Array.isArray(items) || items.length < 1) fail(fn, 'items must be a non-empty array of { amplitude, distribution, f0Hz }');
    const p = planHarmonic(fn, items, o);
    if (!Array.isArray(gAudio) || gAudio.length !== items.length) fail(fn, `gAudio must be an array of ${items.length} cotangents, one per example`);
    const flat = new Float32Array(p.B * p.nSamples);
    for (let b = 0; b < p.B; b++) {
      const gb = gAudio[b];
      const v = gb instanceof GpuArray ? await gb.read() : inputBuf(fn, `gAudio[${b}]`, gb, p.nSamples).buf as Float32Array;
      if (v.length !== p.nSamples) fail(fn, `gAudio[${b}] must have ${p.nSamples} values (got ${v.length})`);
      flat.set(v, b * p.nSamples);
    }
    return synthesizeBackward(dev, p, flat);
  }

  async function frequencyFilter(audio: GpuInput, magnitudes: Signal, o: FrequencyFilterOptions = {}): Promise<Float32Array> {
    const fn = 'gpu.frequencyFilter';
    const x = inputBuf(fn, 'audio', audio);
    const p = planFir(fn, x.length, magnitudes, o);
    const y = await filter(dev, p, x.buf);
    const out = await dev.read(y);
    dev.free(y);
    return out;
  }

  async function frequencyFilterVjp(gy: GpuInput, audio: GpuInput, magnitudes: Signal, o: FrequencyFilterOptions & { wrt?: 'both' | 'audio' | 'magnitudes' } = {}): Promise<{ audio?: Float64Array; magnitudes?: Signal }> {
    const fn = 'gpu.frequencyFilterVjp';
    const wrt = (o as { wrt?: unknown } | undefined)?.wrt ?? 'both';
    checkOneOf(fn, 'opts.wrt', wrt, ['both', 'audio', 'magnitudes'] as const);
    const x = inputBuf(fn, 'audio', audio);
    const g = inputBuf(fn, 'gy', gy, x.length);
    const p = planFir(fn, x.length, magnitudes, o, ['wrt']);
    const out: { audio?: Float64Array; magnitudes?: Signal } = {};
    if (wrt !== 'magnitudes') {
      const b = await filterVjpAudio(dev, p, g.buf);
      out.audio = Float64Array.from(await dev.read(b));
      dev.free(b);
    }
    if (wrt !== 'audio') out.magnitudes = (await filterVjpMagnitudes(dev, p, g.buf, x.buf))[0];
    return out;
  }

  async function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Promise<Float32Array> {
    const fn = 'gpu.matmul';
    for (const [name, v] of [['m', m], ['k', k], ['n', n]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 2 ** 16) fail(fn, `${name} must be an integer in [1, 65536] (got ${v})`);
    }
    const A = inputBuf(fn, 'a', a, m * k);
    const B = inputBuf(fn, 'b', b, k * n);
    return readFree(await gemm(dev, A.buf, B.buf, { M: m, N: n, K: k, am: k, ak: 1, bk: n, bn: 1 }));
  }

  /** Read a device result and release it. */
  async function readFree(b: Buf): Promise<Float32Array> {
    const v = await dev.read(b);
    dev.free(b);
    return v;
  }
  const f64 = async (b: Buf, n: number) => Float64Array.from((await readFree(b)).subarray(0, n));

  async function dense(x: Tensor, kernel: Frames, bias: Float64Array): Promise<Tensor> {
    const { X, W, b } = readDense('gpu.dense', x, kernel, bias);
    const y = await gemm(dev, f32(X.data), f32(W.data), { M: X.rows, N: W.cols, K: X.c, am: X.c, ak: 1, bk: W.cols, bn: 1 }, f32(b));
    return ndarray(await f64(y, X.rows * W.cols), [...X.shape.slice(0, -1), W.cols]);
  }

  async function denseVjp(gy: Tensor, x: Tensor, kernel: Frames, bias: Float64Array): Promise<{ x: Tensor; kernel: Frames; bias: Float64Array }> {
    const fn = 'gpu.denseVjp';
    const { X, W } = readDense(fn, x, kernel, bias);
    const G = readRows(fn, 'gy', gy);
    if (G.rows !== X.rows || G.c !== W.cols) fail(fn, `gy must have ${X.rows} rows of ${W.cols} channels like dense's output (got ${G.rows} of ${G.c})`);
    const g = f32(G.data);
    const x32 = f32(X.data);
    const gx = await gemm(dev, g, f32(W.data), { M: X.rows, N: X.c, K: W.cols, am: W.cols, ak: 1, bk: 1, bn: W.cols });
    const gk = await gemm(dev, x32, g, { M: X.c, N: W.cols, K: X.rows, am: 1, ak: X.c, bk: W.cols, bn: 1 });
    const gb = await columnSums(dev, g, X.rows, W.cols, W.cols);
    return {
      x: ndarray(await f64(gx, X.rows * X.c), X.shape.slice()),
      kernel: frames(await f64(gk, X.c * W.cols), X.c, W.cols),
      bias: await f64(gb, W.cols),
    };
  }

  function gruInputs(fn: string, x: Tensor, weights: GruWeights, o: GruOptions) {
    const s = readGru(fn, x, weights, o);
    const shape: GruShape = { B: s.B, T: s.T, I: s.X.c, u: s.u };
    const w: GruDevWeights = { W: f32(s.W.data), U: f32(s.U.data), bias: f32(s.bias) };
    return { s, shape, w, x: f32(s.X.data), h0: s.h0 ? f32(s.h0) : new Float32Array(s.B * s.u) };
  }

  async function gru(x: Tensor, weights: GruWeights, o: GruOptions = {}): Promise<GruOutput> {
    const { s, shape, w, x: xb, h0 } = gruInputs('gpu.gru', x, weights, o);
    const { seq, last } = await gruForward(dev, shape, xb, w, h0);
    const { B, T, u } = shape;
    return {
      sequence: ndarray(await f64(seq, B * T * u), s.X.shape.length === 3 ? [B, T, u] : [T, u]),
      state: frames(await f64(last, B * u), B, u),
    };
  }

  async function gruVjp(g: { sequence?: Tensor; state?: Frames }, x: Tensor, weights: GruWeights, o: GruOptions = {}): Promise<GruGrads> {
    const fn = 'gpu.gruVjp';
    const { s, shape, w, x: xb, h0 } = gruInputs(fn, x, weights, o);
    const { B, T, I, u } = shape;
    if (typeof g !== 'object' || g === null) fail(fn, 'g must be { sequence?, state? }');
    readOptions(fn, g, ['sequence', 'state'], 'g');
    const gs = g.sequence === undefined ? undefined : readRows(fn, 'g.sequence', g.sequence);
    if (gs && (gs.rows !== B * T || gs.c !== u)) fail(fn, `g.sequence must have ${B * T} rows of ${u} channels (got ${gs.rows} of ${gs.c})`);
    const gl = g.state === undefined ? new Float32Array(B * u) : f32(readMatrix(fn, 'g.state', g.state, B, u).data);
    const r = await gruBackward(dev, shape, xb, w, h0, gs ? f32(gs.data) : null, gl);
    return {
      x: ndarray(await f64(r.x, B * T * I), s.X.shape.slice()),
      weights: { kernel: frames(await f64(r.W, I * 3 * u), I, 3 * u), recurrentKernel: frames(await f64(r.U, u * 3 * u), u, 3 * u), bias: frames(await f64(r.bias, 6 * u), 2, 3 * u) },
      initialState: frames(await f64(r.h0, B * u), B, u),
    };
  }

  function upload(x: Float64Array | Float32Array): GpuArray {
    const { buf, length } = inputBuf('gpu.upload', 'x', x);
    return new GpuArray(dev, buf, length);
  }

  async function magnitudeSpectrogram(audio: GpuInput, o: StftOptions = {}): Promise<Frames> {
    const fn = 'gpu.magnitudeSpectrogram';
    const { buf, length } = inputBuf(fn, 'audio', audio);
    const d = dftPlan(stftGeometry(fn, length, o, STFT_KEYS));
    const X = await spectra(dev, d, buf, length);
    const M = await magnitudes(dev, d, X);
    dev.free(X);
    const m = await dev.read(M);
    dev.free(M);
    return frames(Float64Array.from(m), d.g.nFrames, d.g.bins);
  }

  async function makeSpectralLoss(target: Float64Array | Float32Array, o: SpectralLossOptions = {}): Promise<GpuSpectralLoss> {
    const fn = 'gpu.makeSpectralLoss';
    lossTerms(fn, o);
    const { buf: tb, length: N } = inputBuf(fn, 'target', target);
    if (N < 1) fail(fn, 'target must have at least one sample (got 0)');
    const L = await deviceLoss(dev, fn, tb, 1, N, o);
    const evaluate = (v: GpuInput, withGrad: boolean) => {
      const { buf } = inputBuf(fn, 'value', v, N);
      return L.evaluate(buf, withGrad);
    };
    return {
      loss: async (v) => (await evaluate(v, false)).values[0],
      valueAndGrad: async (v) => {
        const r = await evaluate(v, true);
        return { value: r.values[0], grad: Float64Array.from(await readFree(r.grad as Buf)) };
      },
      valueAndGradOnDevice: async (v) => {
        const r = await evaluate(v, true);
        return { value: r.values[0], grad: new GpuArray(dev, r.grad as Buf, N) };
      },
      free: () => L.free(),
    };
  }

  async function makeHarmonicNoiseLoss(targets: readonly (Float64Array | Float32Array)[], o: HarmonicNoiseLossOptions): Promise<HarmonicNoiseLoss> {
    const fn = 'gpu.makeHarmonicNoiseLoss';
    if (!Array.isArray(targets) || targets.length < 1) fail(fn, 'targets must be a non-empty array of audio (one per example)');
    const { synth: so, filter: fo = {}, loss: lo = {}, wrtF0 = true } = readOptions(fn, o, ['synth', 'filter', 'loss', 'wrtF0']);
    if (so === undefined) fail(fn, 'opts.synth (harmonicSynth options, with nSamples) is required');
    checkBoolean(fn, 'opts.wrtF0', wrtF0);
    lossTerms(fn, lo);
    const B = targets.length;
    const N = so.nSamples;
    const flat = new Float32Array(B * N);
    targets.forEach((t, b) => flat.set(inputBuf(fn, `targets[${b}]`, t, N).buf as Float32Array, b * N));
    const L = await deviceLoss(dev, fn, flat, B, N, lo);
    async function run(examples: readonly HarmonicNoiseExample[], withGrad: boolean, shared?: { reverbIr?: Float64Array }) {
      if (!Array.isArray(examples) || examples.length !== B) fail(fn, `examples must be an array of ${B} (one per target)`);
      examples.forEach((e, b) => readOptions(fn, e, ['amplitude', 'distribution', 'f0Hz', 'noise', 'noiseMagnitudes'], `examples[${b}]`));
      if (shared !== undefined) readOptions(fn, shared, ['reverbIr'], 'shared');
      const ir = shared?.reverbIr;
      if (ir !== undefined && (!(ir instanceof Float64Array) || ir.length < 1)) fail(fn, 'shared.reverbIr must be a Float64Array of at least one tap');
      const hp = planHarmonic(fn, examples, so);
      const noise = new Float32Array(B * N);
      examples.forEach((e, b) => noise.set(inputBuf(fn, `examples[${b}].noise`, e.noise, N).buf as Float32Array, b * N));
      const fp = planFir(fn, N, examples.map((e) => e.noiseMagnitudes), fo);
      const harm = await synthesize(dev, hp);
      const filtered = await filter(dev, fp, noise);
      const dry = await addBufs(dev, harm, filtered, B * N);
      dev.free(harm, filtered);
      // DDSP's reverb (one trainable IR for the batch, its first tap masked), dry signal added.
      let rv: { y: Buf; X: Buf; M: Buf } | null = null;
      let rp: ReverbPlan | null = null;
      if (ir) {
        const m = inputBuf(fn, 'shared.reverbIr', ir).buf as Float32Array;
        m[0] = 0;
        rp = reverbPlan(B, N, m.length);
        rv = await reverbForward(dev, rp, dry, m);
      }
      const audio = rv ? rv.y : dry;
      const r = await L.evaluate(audio, withGrad);
      if (rv) dev.free(rv.y);
      if (!r.grad) {
        if (rv) dev.free(rv.X, rv.M);
        dev.free(dry);
        return { values: r.values, grads: [] };
      }
      let gDry = r.grad;
      let gIr: Float64Array | undefined;
      if (rv && rp) {
        const back = await reverbBackward(dev, rp, r.grad, rv.X, rv.M);
        dev.free(rv.X, rv.M, r.grad);
        gDry = back.gx;
        gIr = Float64Array.from(back.gm);
      }
      dev.free(dry);
      const hg = await synthesizeBackward(dev, hp, gDry, wrtF0);
      const ng = await filterVjpMagnitudes(dev, fp, gDry, noise);
      dev.free(gDry);
      return {
        values: r.values,
        grads: hg.map((g, b) => ({ amplitude: g.amplitude, distribution: g.distribution, f0Hz: g.f0Hz, noiseMagnitudes: ng[b] })),
        ...(gIr ? { shared: { reverbIr: gIr } } : {}),
      };
    }
    return {
      loss: async (ex, shared) => (await run(ex, false, shared)).values,
      valueAndGrad: (ex, shared) => run(ex, true, shared),
      free: () => L.free(),
    };
  }

  function reverbInputs(fn: string, audio: GpuInput, ir: Float64Array, o: { addDry?: boolean }) {
    const { addDry = true } = readOptions(fn, o, ['addDry']);
    checkBoolean(fn, 'opts.addDry', addDry);
    if (!addDry) fail(fn, 'opts.addDry false does not run on the GPU yet (DDSP adds the dry signal)');
    const x = inputBuf(fn, 'audio', audio);
    if (x.length < 1) fail(fn, 'audio must have at least one sample (got 0)');
    if (!(ir instanceof Float64Array) || ir.length < 1) fail(fn, 'ir must be a Float64Array of at least one tap');
    const m = inputBuf(fn, 'ir', ir).buf as Float32Array;
    m[0] = 0;
    return { x, m, p: reverbPlan(1, x.length, m.length) };
  }

  async function reverb(audio: GpuInput, ir: Float64Array, o: { addDry?: boolean } = {}): Promise<Float32Array> {
    const { x, m, p } = reverbInputs('gpu.reverb', audio, ir, o);
    const r = await reverbForward(dev, p, x.buf, m);
    dev.free(r.X, r.M);
    return readFree(r.y);
  }

  async function reverbVjp(gy: GpuInput, audio: GpuInput, ir: Float64Array, o: { addDry?: boolean } = {}): Promise<{ audio: Float64Array; ir: Float64Array }> {
    const fn = 'gpu.reverbVjp';
    const { x, m, p } = reverbInputs(fn, audio, ir, o);
    const g = inputBuf(fn, 'gy', gy, x.length);
    const r = await reverbForward(dev, p, x.buf, m);
    dev.free(r.y);
    const b = await reverbBackward(dev, p, g.buf, r.X, r.M);
    dev.free(r.X, r.M);
    return { audio: Float64Array.from(await readFree(b.gx)), ir: Float64Array.from(b.gm) };
  }

  function rnnFcDecoder(opts: RnnFcDecoderOptions): GpuDecoder {
    const fn = 'gpu.rnnFcDecoder';
    const o = readDecoder(fn, opts);
    const L = o.layersPerStack;
    const keys = o.inputKeys;
    const template = initRnnFcDecoder(o, 0);
    const stackIn = L > 0 ? o.ch * keys.length : keys.length;
    const widths = o.outputSplits.map(([, w]) => w);
    function prepare(f: string, inputs: Record<string, Tensor>, params: Params) {
      if (typeof inputs !== 'object' || inputs === null) fail(f, `inputs must be a record of [B, T, 1] tensors: ${keys.join(', ')}`);
      let B = 0;
      let T = 0;
      const bufs = keys.map((k, i) => {
        const r = readRows(f, `inputs.${k}`, inputs[k]);
        if (r.c !== 1) fail(f, `inputs.${k} must have 1 channel (got ${r.c})`);
        const b = r.shape.length === 3 ? r.shape[0] : 1;
        const t = r.rows / b;
        if (i === 0) [B, T] = [b, t];
        else if (b !== B || t !== T) fail(f, `inputs.${k} must have the first input's ${B} × ${T} frames (got ${b} × ${t})`);
        return f32(r.data);
      });
      checkLike(f, 'params', template, params);
      return { B, T, bufs, d: decoderWeights(params, keys, L, stackIn), shape: inputs[keys[0]].shape.length === 3 };
    }
    async function outputs(y: Buf, B: number, T: number, batched: boolean): Promise<Record<string, Tensor>> {
      const all = await readFree(y);
      const C = widths.reduce((a, b) => a + b, 0);
      const out: Record<string, Tensor> = {};
      let off = 0;
      o.outputSplits.forEach(([name, w]) => {
        const d = new Float64Array(B * T * w);
        for (let r = 0; r < B * T; r++) for (let j = 0; j < w; j++) d[r * w + j] = all[r * C + off + j];
        out[name] = ndarray(d, batched ? [B, T, w] : [T, w]);
        off += w;
      });
      return out;
    }
    return {
      async forward(inputs, params) {
        const f = `${fn}.forward`;
        const { B, T, bufs, d, shape } = prepare(f, inputs, params);
        const run = await decoderForward(dev, d, bufs, B, T);
        const y = await outputs(run.y, B, T, shape);
        freeTape(dev, run);
        return y;
      },
      async vjp(inputs, params) {
        const f = `${fn}.vjp`;
        const { B, T, bufs, d, shape } = prepare(f, inputs, params);
        const run = await decoderForward(dev, d, bufs, B, T);
        const y = await dev.read(run.y);
        dev.free(run.y);
        const C = widths.reduce((a, b) => a + b, 0);
        const ys = await outputs(y, B, T, shape);
        let used = false;
        const pullback = async (g: Record<string, Tensor | undefined>): Promise<Params> => {
          if (used) fail(f, 'the pullback runs once (its tape is freed); call vjp again');
          used = true;
          if (typeof g !== 'object' || g === null) fail(f, 'g must be a record of the outputs\' cotangents');
          readOptions(f, g, o.outputSplits.map(([n]) => n), 'g');
          const gy = new Float32Array(B * T * C);
          let off = 0;
          o.outputSplits.forEach(([name, w]) => {
            const v = g[name];
            if (v !== undefined) {
              const r = readRows(f, `g.${name}`, v);
              if (r.rows !== B * T || r.c !== w) fail(f, `g.${name} must have ${B * T} rows of ${w} channels (got ${r.rows} of ${r.c})`);
              for (let q = 0; q < B * T; q++) for (let j = 0; j < w; j++) gy[q * C + off + j] = r.data[q * w + j];
            }
            off += w;
          });
          const gb = await decoderBackward(dev, d, run, gy, B, T);
          const fcTree = async (gs: { W: Buf; b: Buf; gamma: Buf; beta: Buf }[], ps: Fc32[]) => Object.fromEntries(await Promise.all(gs.map(async (q, i) => [`fc${i}`, {
            dense: { kernel: frames(await f64(q.W, ps[i].cin * ps[i].ch), ps[i].cin, ps[i].ch), bias: await f64(q.b, ps[i].ch) },
            norm: { gamma: await f64(q.gamma, ps[i].ch), beta: await f64(q.beta, ps[i].ch) },
          }])));
          const out: Record<string, unknown> = {};
          for (let k = 0; k < keys.length; k++) if (L > 0) out[`${keys[k]}_stack`] = await fcTree(gb.stacks[k], d.stacks[k]);
          const I = stackIn;
          const u = d.u;
          out.rnn = {
            kernel: frames(await f64(gb.rnn.W, I * 3 * u), I, 3 * u),
            recurrentKernel: frames(await f64(gb.rnn.U, u * 3 * u), u, 3 * u),
            bias: frames(await f64(gb.rnn.bias, 6 * u), 2, 3 * u),
          };
          if (L > 0) out.out_stack = await fcTree(gb.outStack, d.outStack);
          out.out = { kernel: frames(await f64(gb.out.W, d.out.cin * d.out.cout), d.out.cin, d.out.cout), bias: await f64(gb.out.b, d.out.cout) };
          return out as Params;
        };
        return [ys, pullback];
      },
    };
  }

  function autoencoder(opts: AutoencoderOptions): GpuAutoencoder {
    const fn = 'gpu.autoencoder';
    const { preset, loss, T } = readPreset(fn, opts);
    lossTerms(fn, loss);
    const dec = rnnFcDecoder(preset.decoder);
    const keys = preset.decoder.inputKeys;
    const { nSamples, sampleRate } = preset;
    const hc = harmonicControls({ nSamples, sampleRate });
    const nc = filteredNoiseControls({ nSamples, windowSize: preset.noiseWindowSize });
    const noise = uniformNoise(nSamples, 0).noise;
    const outKeys = ['amps', 'harmonic_distribution', 'noise_magnitudes'];
    return {
      async valueAndGrad(x, params) {
        const f = `${fn}.valueAndGrad`;
        if (typeof x !== 'object' || x === null) fail(f, `x must be { ${[...keys, 'f0_hz', 'audio'].join(', ')} }`);
        readOptions(f, x, [...keys, 'f0_hz', 'audio'], 'x');
        const pk = preset.reverbLength > 0 ? ['decoder', 'reverb'] : ['decoder'];
        if (typeof params !== 'object' || params === null) fail(f, `params must be { ${pk.join(', ')} }`);
        readOptions(f, params, pk, 'params');
        let ir: Float64Array | undefined;
        if (preset.reverbLength > 0) {
          const rp = params.reverb as { ir?: unknown } | undefined;
          if (typeof rp !== 'object' || rp === null) fail(f, `params.reverb must be { ir } with ${preset.reverbLength} taps`);
          readOptions(f, rp, ['ir'], 'params.reverb');
          checkLike(f, 'params.reverb.ir', new Float64Array(preset.reverbLength), rp.ir);
          ir = rp.ir as Float64Array;
        }
        const F0 = readRows(f, 'x.f0_hz', x.f0_hz);
        const B = F0.shape.length === 3 ? F0.shape[0] : 1;
        if (F0.c !== 1 || F0.rows !== B * T) fail(f, `x.f0_hz must be [B, ${T}, 1] (got [${F0.shape.join(', ')}])`);
        const audio = x.audio;
        if (!Array.isArray(audio) || audio.length !== B) fail(f, `x.audio must be an array of ${B} target audio (one per example)`);
        for (const k of outKeys) if (!preset.decoder.outputSplits.some(([n]) => n === k)) fail(f, `the preset's decoder must output ${outKeys.join(', ')}`);
        const [outs, pull] = await dec.vjp(Object.fromEntries(keys.map((k) => [k, x[k] as Tensor])), params.decoder as Params);
        const width = (k: string) => outs[k].shape[outs[k].shape.length - 1];
        const row = (k: string, b: number) => frames(outs[k].data.slice(b * T * width(k), (b + 1) * T * width(k)), T, width(k));
        const ctl = Array.from({ length: B }, (_, b) => {
          const f0b = frames(F0.data.slice(b * T, (b + 1) * T), T, 1);
          const [hy, hpull] = hc.vjp({ amplitudes: row('amps', b), harmonicDistribution: row('harmonic_distribution', b), f0Hz: f0b }, {});
          const [ny, npull] = nc.vjp(row('noise_magnitudes', b), {});
          return { hy: hy as { amplitude: Signal; distribution: Signal; f0Hz: Signal }, hpull, ny: ny as Signal, npull };
        });
        const step = await makeHarmonicNoiseLoss(audio, { synth: { nSamples, sampleRate }, filter: { windowSize: preset.noiseWindowSize }, loss, wrtF0: false });
        try {
          const r = await step.valueAndGrad(ctl.map((c) => ({ amplitude: c.hy.amplitude, distribution: c.hy.distribution, f0Hz: c.hy.f0Hz, noise, noiseMagnitudes: c.ny })), ir ? { reverbIr: ir } : undefined);
          const scale = 1 / B;
          const g: Record<string, Tensor> = {};
          for (const k of outKeys) g[k] = ndarray(new Float64Array(B * T * width(k)), [B, T, width(k)]);
          ctl.forEach((c, b) => {
            const gr = r.grads[b];
            const sc = (v: Float64Array) => v.map((e) => e * scale);
            const [gx] = c.hpull({ amplitude: sc(gr.amplitude), distribution: frames(sc(gr.distribution), T, width('harmonic_distribution')), f0Hz: sc(gr.f0Hz) } as never);
            const gh = gx as { amplitudes?: Signal; harmonicDistribution?: Signal };
            const [gn] = c.npull(frames(sc((gr.noiseMagnitudes as { data: Float64Array }).data), T, width('noise_magnitudes')) as never);
            const put = (k: string, v: Signal | undefined) => {
              if (v !== undefined) g[k].data.set((v as { data?: Float64Array }).data ?? (v as Float64Array), b * T * width(k));
            };
            put('amps', gh.amplitudes);
            put('harmonic_distribution', gh.harmonicDistribution);
            put('noise_magnitudes', gn as Signal);
          });
          const gDecoder = await pull(g);
          const grad: Params = { decoder: gDecoder };
          return { value: r.values.reduce((a, v) => a + v, 0) / B, grad: r.shared ? { ...grad, reverb: { ir: r.shared.reverbIr.map((v) => v * scale) } } : grad };
        } finally {
          step.free();
        }
      },
    };
  }

  return { mode: gpu.mode, describe, harmonicSynth, harmonicSynthBatch, harmonicSynthVjp, harmonicSynthBatchVjp, frequencyFilter, frequencyFilterVjp, matmul, dense, denseVjp, gru, gruVjp, rnnFcDecoder, autoencoder, reverb, reverbVjp, liveBuffers: () => dev.live.size, upload, magnitudeSpectrogram, makeSpectralLoss, makeHarmonicNoiseLoss };
}
