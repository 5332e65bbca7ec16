/**
 * W1: the output stage of a DDSP training step (issue 14), defined exactly so that other
 * libraries can run the same work. 4 s at 16 kHz (T = 64000), F = 1000 frames (hop 64),
 * K = 100 harmonics, B = 65 noise bands.
 *   audio = harmonicSynth(amp, hd, f0; linear amplitude upsampling) + frequencyFilter(noise, nm)
 *   loss  = Σ_{n ∈ 2048…64} mean|S − S_t| + mean|log(S + 1e-5) − log(S_t + 1e-5)|,
 * S = |rfft| of valid (unpadded) periodic-Hann frames, hop n/4; the target's spectra are
 * recomputed on every call, as DDSP does.
 *
 * Two ways to compute it with the public API: `composed` builds the loss from elementwise ops
 * (the only way before `spectralLoss` had the log form and framing options), `fused` is one
 * `spectralLossValueAndGrad` call and the synths' VJPs restricted to what is asked for.
 */
import { add, addVjp, safeLog, safeLogVjp, frames, type Frames } from '../src/core/index.ts';
import { meanDifference, meanDifferenceVjp } from '../src/losses/index.ts';
import { harmonicSynth, harmonicSynthVjp } from '../src/synths/index.ts';
import { frequencyFilter, frequencyFilterVjp, magnitudeSpectrogram, magnitudeSpectrogramVjp } from '../src/spectral/index.ts';
import { spectralLoss, spectralLossValueAndGrad, type ScaleRunner, type SpectralLossOptions } from '../src/losses/index.ts';

export const T = 64000;
export const F = 1000;
export const K = 100;
export const B = 65;
export const SR = 16000;
export const SIZES = [2048, 1024, 512, 256, 128, 64];

export interface W1Inputs {
  f0: Float64Array;
  amp: Float64Array;
  hd: Frames;
  nm: Frames;
  noise: Float64Array;
  target: Float64Array;
}

/** The inputs, exactly as the issue defines them. */
export function w1Inputs(): W1Inputs {
  const f0 = new Float64Array(F);
  const amp = new Float64Array(F);
  const hd = new Float64Array(F * K);
  const nm = new Float64Array(F * B);
  for (let i = 0; i < F; i++) {
    const t = (64 * i) / SR;
    f0[i] = 200 + (200 * i) / (F - 1) + 6 * Math.sin(2 * Math.PI * 5.5 * t);
    amp[i] = 0.3 + 0.15 * Math.sin(2 * Math.PI * 0.75 * t) + 0.05 * Math.cos(2 * Math.PI * 3 * t);
    let s = 0;
    for (let k = 0; k < K; k++) {
      const v = (k + 1) * f0[i] < SR / 2 ? (1 + 0.5 * Math.sin(0.3 * k + 2 * Math.PI * 0.5 * t)) / (k + 1) : 0;
      hd[i * K + k] = v;
      s += v;
    }
    for (let k = 0; k < K; k++) hd[i * K + k] /= s;
    for (let b = 0; b < B; b++) nm[i * B + b] = 0.01 + 0.02 * Math.exp(-b / 20) * (1 + 0.5 * Math.sin(2 * Math.PI * 0.25 * t + 0.1 * b));
  }
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const noise = new Float64Array(T);
  for (let i = 0; i < T; i++) noise[i] = 2 * next() - 1;
  const target = new Float64Array(T);
  for (let i = 0; i < T; i++) target[i] = next() - 0.5;
  return { f0, amp, hd: frames(hd, F, K), nm: frames(nm, F, B), noise, target };
}

const SYNTH = { nSamples: T, sampleRate: SR, ampResample: 'linear' as const };
/** DDSP's automatic delay for a 128-tap IR, (128 − 1)//2 − 1 = 62. */
const FILTER = { windowSize: 0, delayCompensation: 62 };
/** The loss as one `spectralLoss` configuration. */
export const LOSS: SpectralLossOptions = { fftSizes: SIZES, magWeight: 1, logmagWeight: 1, logForm: 'offset', framing: 'valid' };

export interface W1Grads {
  amp: Float64Array;
  hd: Float64Array;
  f0: Float64Array;
  nm: Float64Array;
}

/** (c) the harmonic synth alone. */
export function synthOnly(x: W1Inputs): Float64Array {
  return harmonicSynth(x.amp, x.hd, x.f0, SYNTH).audio;
}

/** The noise path alone. */
export function noiseOnly(x: W1Inputs): Float64Array {
  return frequencyFilter(x.noise, x.nm, FILTER);
}

function render(x: W1Inputs): Float64Array {
  const h = synthOnly(x);
  const n = noiseOnly(x);
  const audio = new Float64Array(T);
  for (let i = 0; i < T; i++) audio[i] = h[i] + n[i];
  return audio;
}

// ---- Today's path before the fused loss: the loss built from elementwise ops. ----

function composedScale(target: Float64Array, audio: Float64Array, n: number) {
  const opts = { frameSize: n, overlap: 0.75, padEnd: false };
  const St = magnitudeSpectrogram(target, opts);
  const S = magnitudeSpectrogram(audio, opts);
  const eps = new Float64Array(S.data.length).fill(1e-5);
  const a = frames(eps, S.shape[0], S.shape[1]);
  const logSt = safeLog(add(St, a));
  const logS = safeLog(add(S, a));
  return { opts, St, S, a, logSt, logS };
}

/** The loss from spectrogram, add, safeLog and meanDifference. */
export function composedLoss(target: Float64Array, audio: Float64Array): number {
  let loss = 0;
  for (const n of SIZES) {
    const { St, S, logSt, logS } = composedScale(target, audio, n);
    loss += meanDifference(St, S)[0] + meanDifference(logSt, logS)[0];
  }
  return loss;
}

/** (a) forward, composed. */
export function composedForward(x: W1Inputs): number {
  return composedLoss(x.target, render(x));
}

/** (b) forward and gradients, composed from each op's VJP. */
export function composedGrad(x: W1Inputs): { loss: number; grads: W1Grads } {
  const audio = render(x);
  const one = Float64Array.of(1);
  const gAudio = new Float64Array(T);
  let loss = 0;
  for (const n of SIZES) {
    const { opts, St, S, a, logSt, logS } = composedScale(x.target, audio, n);
    loss += meanDifference(St, S)[0] + meanDifference(logSt, logS)[0];
    const gS1 = meanDifferenceVjp(one, St, S).value;
    const gLog = meanDifferenceVjp(one, logSt, logS).value;
    const gSum = safeLogVjp(gLog, add(S, a));
    const gS2 = addVjp(gSum, S, a)[0];
    const gS = add(gS1, gS2);
    const gx = magnitudeSpectrogramVjp(gS, audio, opts);
    for (let i = 0; i < T; i++) gAudio[i] += gx[i];
  }
  const h = harmonicSynthVjp(gAudio, x.amp, x.hd, x.f0, SYNTH);
  const nz = frequencyFilterVjp(gAudio, x.noise, x.nm, FILTER);
  return { loss, grads: { amp: h.amplitude, hd: h.distribution.data, f0: h.f0Hz, nm: nz.magnitudes.data } };
}

// ---- The fused path. ----

/** The loss alone, fused. */
export function fusedLoss(target: Float64Array, audio: Float64Array, pool?: ScaleRunner): number {
  return spectralLoss(target, audio, LOSS, pool)[0];
}

/** (a) forward, fused: one spectralLoss call (its scales on `pool`'s threads when given). */
export function fusedForward(x: W1Inputs, pool?: ScaleRunner): number {
  return spectralLoss(x.target, render(x), LOSS, pool)[0];
}

/** (b) forward and gradients, fused: spectralLossValueAndGrad and the VJPs of what is asked for. */
export function fusedGrad(x: W1Inputs, pool?: ScaleRunner): { loss: number; grads: W1Grads } {
  const audio = render(x);
  const { value, grad } = spectralLossValueAndGrad(x.target, audio, LOSS, pool);
  const h = harmonicSynthVjp(grad, x.amp, x.hd, x.f0, SYNTH);
  const nz = frequencyFilterVjp(grad, x.noise, x.nm, { ...FILTER, wrt: 'magnitudes' });
  return { loss: value, grads: { amp: h.amplitude, hd: h.distribution.data, f0: h.f0Hz, nm: nz.magnitudes.data } };
}
