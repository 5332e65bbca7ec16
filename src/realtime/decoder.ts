/**
 * A trained DDSP decoder run frame by frame, for real time: f0 (Hz) and loudness (dB) in, the
 * harmonic-plus-noise controls out — the RnnFcDecoder (input fc stacks, GRU with its state
 * carried, output stack, dense) followed by the synth nodes' scaling (expSigmoid, harmonics at or
 * above Nyquist removed and the rest normalised, noise magnitudes expSigmoid(x − 5)). The same
 * numbers as `nn.rnnFcDecoder` over the whole sequence and the harmonic/filteredNoise nodes'
 * control steps (test/realtime), with every buffer allocated once: nothing is allocated per frame.
 *
 * Parameters are the decoder's tree as `nn.initAutoencoder` / training give it ({ decoder: … } or
 * the decoder's own), with matrices as ndarrays or as their structured clones ({ data, shape }), so
 * they can be posted to an AudioWorklet. Reverb is not applied here.
 */
import { fail } from '../core/errors.ts';
import type { ModelPreset } from '../nn/decoder.ts';
import { harmonicsBelow } from '../synths/intervals.ts';

export interface DecoderFrame {
  /** Harmonic amplitude A (scaled). */
  amplitude: Float64Array;
  /** The K-harmonic distribution, normalised below Nyquist. */
  distribution: Float64Array;
  /** B noise magnitudes (scaled). */
  noise: Float64Array;
  /** f0 of the frame (as given). */
  f0Hz: Float64Array;
}

export interface DecoderStepper {
  readonly nHarmonics: number;
  readonly nBands: number;
  /**
   * Decode one frame. The returned arrays are the stepper's own buffers (one value for amplitude
   * and f0Hz), valid until the next step: copy them, or push them straight into a voice.
   */
  step(f0Hz: number, loudnessDb: number): DecoderFrame;
  /** Zero the GRU state (a new phrase). */
  reset(): void;
}

interface Mat {
  data: Float64Array;
  rows: number;
  cols: number;
}

const fn = 'decoderStepper';

function child(tree: unknown, key: string, path: string): Record<string, unknown> {
  const v = (tree as Record<string, unknown> | undefined)?.[key];
  if (typeof v !== 'object' || v === null) fail(fn, `params${path}.${key} is missing (expected the decoder's parameter tree)`);
  return v as Record<string, unknown>;
}

function mat(tree: Record<string, unknown>, key: string, path: string, rows: number, cols: number): Mat {
  const v = tree[key] as { data?: unknown; shape?: unknown } | Float64Array | undefined;
  const data = v instanceof Float64Array ? v : (v?.data as Float64Array | undefined);
  if (!(data instanceof Float64Array) || data.length !== rows * cols) {
    fail(fn, `params${path}.${key} must hold ${rows}·${cols} = ${rows * cols} float64 values (got ${data instanceof Float64Array ? data.length : typeof data})`);
  }
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) fail(fn, `params${path}.${key}[${i}] is ${data[i]}; expected finite values`);
  return { data, rows, cols };
}

interface Fc {
  kernel: Mat;
  bias: Mat;
  gamma: Mat;
  beta: Mat;
}

/**
 * @example
 *   const dec = realtime.decoderStepper(nn.presets.small, run.params);
 *   const c = dec.step(440, -20);                       // per frame, in order
 *   voice.push(c.amplitude, c.distribution, c.f0Hz, c.noise);
 */
export function decoderStepper(preset: ModelPreset, params: unknown): DecoderStepper {
  if (typeof preset !== 'object' || preset === null || typeof preset.decoder !== 'object') fail(fn, 'preset must be a model preset (nn.presets.*)');
  const d = preset.decoder;
  const splits = d.outputSplits;
  const names = splits.map(([n]) => n);
  if (names.join() !== 'amps,harmonic_distribution,noise_magnitudes') fail(fn, `the decoder's outputs must be amps, harmonic_distribution, noise_magnitudes (got ${names.join(', ')})`);
  const K = splits[1][1];
  const B = splits[2][1];
  const L = d.layersPerStack;
  const ch = d.ch;
  const u = d.rnnChannels;
  const keys = d.inputKeys;
  if (!keys.every((k) => k === 'f0_scaled' || k === 'ld_scaled')) fail(fn, `the decoder's inputs must be f0_scaled and/or ld_scaled (got ${keys.join(', ')})`);
  const root = (params as Record<string, unknown>)?.decoder !== undefined ? child(params, 'decoder', '') : (params as Record<string, unknown>);
  const rootPath = (params as Record<string, unknown>)?.decoder !== undefined ? '.decoder' : '';
  if (typeof root !== 'object' || root === null) fail(fn, 'params must be the decoder parameter tree (or { decoder })');
  const stack = (tree: Record<string, unknown>, path: string, inDim: number): Fc[] =>
    Array.from({ length: L }, (_, i) => {
      const fc = child(tree, `fc${i}`, path);
      const dense = child(fc, 'dense', `${path}.fc${i}`);
      const norm = child(fc, 'norm', `${path}.fc${i}`);
      const p = `${path}.fc${i}`;
      return {
        kernel: mat(dense, 'kernel', `${p}.dense`, i === 0 ? inDim : ch, ch),
        bias: mat(dense, 'bias', `${p}.dense`, 1, ch),
        gamma: mat(norm, 'gamma', `${p}.norm`, 1, ch),
        beta: mat(norm, 'beta', `${p}.norm`, 1, ch),
      };
    });
  const inStacks = keys.map((k) => (L > 0 ? stack(child(root, `${k}_stack`, rootPath), `${rootPath}.${k}_stack`, 1) : []));
  const stackOut = L > 0 ? ch * keys.length : keys.length;
  const rnn = child(root, 'rnn', rootPath);
  const W = mat(rnn, 'kernel', `${rootPath}.rnn`, stackOut, 3 * u);
  const U = mat(rnn, 'recurrentKernel', `${rootPath}.rnn`, u, 3 * u);
  const bias = mat(rnn, 'bias', `${rootPath}.rnn`, 2, 3 * u);
  const outStack = L > 0 ? stack(child(root, 'out_stack', rootPath), `${rootPath}.out_stack`, stackOut + u) : [];
  const nOut = 1 + K + B;
  const outDense = child(root, 'out', rootPath);
  const Wo = mat(outDense, 'kernel', `${rootPath}.out`, L > 0 ? ch : stackOut + u, nOut);
  const bo = mat(outDense, 'bias', `${rootPath}.out`, 1, nOut);

  // Buffers, allocated once.
  const width = Math.max(ch, stackOut + u, 1);
  const bufA = new Float64Array(width);
  const bufB = new Float64Array(width);
  const cat = new Float64Array(stackOut + u);
  const h = new Float64Array(u);
  const gx = new Float64Array(3 * u);
  const gh = new Float64Array(3 * u);
  const raw = new Float64Array(nOut);
  /** y = x·W + b, layer norm (ε 1e-3), leaky ReLU 0.2, through a stack; returns the buffer holding the result. */
  const out: DecoderFrame = { amplitude: new Float64Array(1), distribution: new Float64Array(K), noise: new Float64Array(B), f0Hz: new Float64Array(1) };
  const nyq = preset.sampleRate / 2;
  const p = Math.log(10);
  const expSigmoid = (x: number) => 2 * Math.exp(-p * softplus(-x)) + 1e-7;

  function runStack(fcs: Fc[], x: Float64Array, n: number): Float64Array {
    let src = x;
    for (const fc of fcs) {
      const dst = src === bufA ? bufB : bufA;
      const { kernel, bias: b, gamma, beta } = fc;
      for (let j = 0; j < ch; j++) dst[j] = b.data[j];
      for (let i = 0; i < n; i++) {
        const xi = src[i];
        const row = i * ch;
        for (let j = 0; j < ch; j++) dst[j] += xi * kernel.data[row + j];
      }
      let mean = 0;
      for (let j = 0; j < ch; j++) mean += dst[j];
      mean /= ch;
      let v = 0;
      for (let j = 0; j < ch; j++) v += (dst[j] - mean) ** 2;
      const rstd = 1 / Math.sqrt(v / ch + 1e-3);
      for (let j = 0; j < ch; j++) {
        const y = (dst[j] - mean) * rstd * gamma.data[j] + beta.data[j];
        dst[j] = y > 0 ? y : 0.2 * y;
      }
      n = ch;
      src = dst;
    }
    return src;
  }

  const one = new Float64Array(1);
  function step(f0Hz: number, loudnessDb: number): DecoderFrame {
    if (!Number.isFinite(f0Hz) || f0Hz < 0) fail('decoderStepper.step', `f0Hz must be a finite frequency >= 0 (got ${f0Hz})`);
    if (!Number.isFinite(loudnessDb)) fail('decoderStepper.step', `loudnessDb must be finite (got ${loudnessDb})`);
    // DDSP's preprocessing: f0 as MIDI / 127 (0 Hz → 0, as hzToMidi), loudness / 80 + 1.
    const midi = f0Hz > 0 ? 12 * (Math.log2(f0Hz) - Math.log2(440)) + 69 : 0;
    let o = 0;
    keys.forEach((k, s) => {
      one[0] = k === 'f0_scaled' ? midi / 127 : loudnessDb / 80 + 1;
      const y = L > 0 ? runStack(inStacks[s], one, 1) : one;
      const n = L > 0 ? ch : 1;
      for (let j = 0; j < n; j++) cat[o + j] = y[j];
      o += n;
    });
    // GRU (reset_after): z, r, n gates in that order.
    for (let j = 0; j < 3 * u; j++) {
      gx[j] = bias.data[j];
      gh[j] = bias.data[3 * u + j];
    }
    for (let i = 0; i < stackOut; i++) {
      const xi = cat[i];
      const row = i * 3 * u;
      for (let j = 0; j < 3 * u; j++) gx[j] += xi * W.data[row + j];
    }
    for (let i = 0; i < u; i++) {
      const hi = h[i];
      const row = i * 3 * u;
      for (let j = 0; j < 3 * u; j++) gh[j] += hi * U.data[row + j];
    }
    for (let j = 0; j < u; j++) {
      const z = sigmoid(gx[j] + gh[j]);
      const r = sigmoid(gx[u + j] + gh[u + j]);
      const n = Math.tanh(gx[2 * u + j] + r * gh[2 * u + j]);
      h[j] = z * h[j] + (1 - z) * n;
      cat[stackOut + j] = h[j];
    }
    const y = L > 0 ? runStack(outStack, cat, stackOut + u) : cat;
    const nIn = L > 0 ? ch : stackOut + u;
    for (let j = 0; j < nOut; j++) raw[j] = bo.data[j];
    for (let i = 0; i < nIn; i++) {
      const yi = y[i];
      const row = i * nOut;
      for (let j = 0; j < nOut; j++) raw[j] += yi * Wo.data[row + j];
    }
    // The synth nodes' control steps.
    out.amplitude[0] = expSigmoid(raw[0]);
    out.f0Hz[0] = f0Hz;
    const m = harmonicsBelow(f0Hz, nyq, K);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const v = k < m ? expSigmoid(raw[1 + k]) : 0;
      out.distribution[k] = v;
      sum += v;
    }
    const den = sum === 0 ? 1e-7 : sum;
    for (let k = 0; k < m; k++) out.distribution[k] /= den;
    for (let b = 0; b < B; b++) out.noise[b] = expSigmoid(raw[1 + K + b] - 5);
    return out;
  }

  return {
    nHarmonics: K,
    nBands: B,
    step,
    reset: () => h.fill(0),
  };
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
