/**
 * Waveshaper and compressor with exact VJPs.
 *
 * waveshaper: y = gain·tanh(drive·x + bias); VJP in x, drive, bias and gain.
 *
 * compressor (feed-forward, log domain; Giannoulis, Massberg & Reiss 2012):
 *   L = 20·log₁₀ max(|x|, 1e-8)                                   (level, dB)
 *   G(L) = L                            if 2(L − T) < −W
 *        = L + (1/R − 1)(L − T + W/2)²/(2W)   if |2(L − T)| ≤ W      (soft knee of width W)
 *        = T + (L − T)/R                if 2(L − T) > W
 *   c = G(L) − L  (gain reduction, ≤ 0), smoothed by a one-pole with attack or release:
 *   s[n] = α[n]·s[n−1] + (1 − α[n])·c[n],  α = αA when c[n] < s[n−1] (more reduction) else αR,
 *   y = x·10^((s + makeup)/20).
 * Differentiable in x, threshold T, ratio R, knee W and makeup; the attack/release choice is
 * taken as fixed (piecewise), and the smoother's VJP is the reverse one-pole recursion.
 */
import { checkNumber, checkPositive, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';

export interface WaveshaperParams {
  drive: number;
  bias: number;
  gain: number;
}

function readShaper(fn: string, x: unknown, p: WaveshaperParams) {
  const xs = readLayout(fn, 'x', x).data;
  if (p === undefined) fail(fn, 'params must be { drive, bias, gain }');
  readOptions(fn, p, ['drive', 'bias', 'gain'], 'params');
  checkNumber(fn, 'params.drive', p.drive);
  checkNumber(fn, 'params.bias', p.bias);
  checkNumber(fn, 'params.gain', p.gain);
  return xs;
}

/** @example waveshaper(x, { drive: 4, bias: 0, gain: 0.5 }) */
export function waveshaper(x: Float64Array, params: WaveshaperParams): Float64Array {
  const xs = readShaper('waveshaper', x, params);
  const { drive, bias, gain } = params;
  return xs.map((v) => gain * Math.tanh(drive * v + bias));
}

/** VJP of {@link waveshaper}. */
export function waveshaperVjp(gy: Float64Array, x: Float64Array, params: WaveshaperParams): { x: Float64Array; drive: number; bias: number; gain: number } {
  const xs = readShaper('waveshaperVjp', x, params);
  const g = readLayout('waveshaperVjp', 'gy', gy).data;
  if (g.length !== xs.length) fail('waveshaperVjp', `gy must have ${xs.length} samples`);
  const { drive, bias, gain } = params;
  const gx = new Float64Array(xs.length);
  let gd = 0;
  let gb = 0;
  let gg = 0;
  for (let i = 0; i < xs.length; i++) {
    const t = Math.tanh(drive * xs[i] + bias);
    const s = g[i] * gain * (1 - t * t);
    gx[i] = s * drive;
    gd += s * xs[i];
    gb += s;
    gg += g[i] * t;
  }
  return { x: gx, drive: gd, bias: gb, gain: gg };
}

export interface CompressorParams {
  /** Threshold T in dB. */
  threshold: number;
  /** Ratio R ≥ 1. */
  ratio: number;
  /** Knee width W in dB (0: hard knee). */
  knee: number;
  /** Make-up gain in dB. */
  makeup: number;
}

export interface CompressorOptions {
  sampleRate?: number;
  /** Attack and release time constants in ms. Defaults 5 and 50. */
  attackMs?: number;
  releaseMs?: number;
}

function readComp(fn: string, x: unknown, p: CompressorParams, o: CompressorOptions) {
  const xs = readLayout(fn, 'x', x).data;
  if (p === undefined) fail(fn, 'params must be { threshold, ratio, knee, makeup }');
  readOptions(fn, p, ['threshold', 'ratio', 'knee', 'makeup'], 'params');
  checkNumber(fn, 'params.threshold', p.threshold);
  checkNumber(fn, 'params.makeup', p.makeup);
  if (!(Math.abs(p.makeup) <= 240)) fail(fn, `params.makeup must be within ±240 dB (got ${p.makeup}); 10^(makeup/20) would overflow the output`);
  checkNumber(fn, 'params.ratio', p.ratio);
  if (!(p.ratio >= 1)) fail(fn, `params.ratio must be >= 1 (got ${p.ratio})`);
  checkNumber(fn, 'params.knee', p.knee);
  if (!(p.knee >= 0)) fail(fn, `params.knee must be >= 0 dB (got ${p.knee})`);
  const { sampleRate = 16000, attackMs = 5, releaseMs = 50 } = readOptions(fn, o, optionKeys<CompressorOptions>()('sampleRate', 'attackMs', 'releaseMs'));
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkPositive(fn, 'opts.attackMs', attackMs);
  checkPositive(fn, 'opts.releaseMs', releaseMs);
  return { xs, aA: Math.exp(-1000 / (attackMs * sampleRate)), aR: Math.exp(-1000 / (releaseMs * sampleRate)) };
}

const DB = 20 / Math.LN10;

/** Gain reduction c = G(L) − L and its partials (∂c/∂L, ∂c/∂T, ∂c/∂R, ∂c/∂W). */
function gainComputer(L: number, T: number, R: number, W: number): [number, number, number, number, number] {
  const over = L - T;
  if (W > 0 && Math.abs(2 * over) <= W) {
    const u = over + W / 2;
    const k = 1 / R - 1;
    const c = (k * u * u) / (2 * W);
    const dcdu = (k * u) / W;
    return [c, dcdu, -dcdu, (-(u * u) / (2 * W)) / (R * R), (k * u) / (2 * W) - (k * u * u) / (2 * W * W)];
  }
  if (2 * over > W) {
    const c = over / R - over;
    return [c, 1 / R - 1, 1 - 1 / R, -over / (R * R), 0];
  }
  return [0, 0, 0, 0, 0];
}

function levels(xs: Float64Array): Float64Array {
  return xs.map((v) => DB * Math.log(Math.max(Math.abs(v), 1e-8)));
}

function smooth(c: Float64Array, aA: number, aR: number): { s: Float64Array; alpha: Float64Array } {
  const s = new Float64Array(c.length);
  const alpha = new Float64Array(c.length);
  let prev = 0;
  for (let n = 0; n < c.length; n++) {
    const a = c[n] < prev ? aA : aR;
    alpha[n] = a;
    s[n] = prev = a * prev + (1 - a) * c[n];
  }
  return { s, alpha };
}

/**
 * @example compressor(x, { threshold: -20, ratio: 4, knee: 6, makeup: 0 }, { sampleRate: 48000 })
 */
export function compressor(x: Float64Array, params: CompressorParams, opts: CompressorOptions = {}): Float64Array {
  const { xs, aA, aR } = readComp('compressor', x, params, opts);
  const { threshold: T, ratio: R, knee: W, makeup: M } = params;
  const L = levels(xs);
  const c = L.map((l) => gainComputer(l, T, R, W)[0]);
  const { s } = smooth(c, aA, aR);
  return xs.map((v, n) => v * Math.pow(10, (s[n] + M) / 20));
}

/** VJP of {@link compressor}. */
export function compressorVjp(
  gy: Float64Array,
  x: Float64Array,
  params: CompressorParams,
  opts: CompressorOptions = {},
): { x: Float64Array; threshold: number; ratio: number; knee: number; makeup: number } {
  const { xs, aA, aR } = readComp('compressorVjp', x, params, opts);
  const g = readLayout('compressorVjp', 'gy', gy).data;
  const N = xs.length;
  if (g.length !== N) fail('compressorVjp', `gy must have ${N} samples`);
  const { threshold: T, ratio: R, knee: W, makeup: M } = params;
  const L = levels(xs);
  const parts = Array.from(L, (l) => gainComputer(l, T, R, W));
  const c = Float64Array.from(parts, (p) => p[0]);
  const { s, alpha } = smooth(c, aA, aR);
  const gx = new Float64Array(N);
  let gT = 0;
  let gR = 0;
  let gW = 0;
  let gM = 0;
  let lam = 0; // λ[n+1] of the smoother
  for (let n = N - 1; n >= 0; n--) {
    const gain = Math.pow(10, (s[n] + M) / 20);
    gx[n] += g[n] * gain;
    // ∂y/∂s = x·gain·ln10/20 (and the same for the make-up gain)
    const gs = (g[n] * xs[n] * gain * Math.LN10) / 20;
    gM += gs;
    const l = gs + (n + 1 < N ? alpha[n + 1] * lam : 0);
    lam = l;
    const gc = (1 - alpha[n]) * l;
    const [, dL, dT, dR, dW] = parts[n];
    gT += gc * dT;
    gR += gc * dR;
    gW += gc * dW;
    if (Math.abs(xs[n]) > 1e-8) gx[n] += (gc * dL * DB) / xs[n];
  }
  return { x: gx, threshold: gT, ratio: gR, knee: gW, makeup: gM };
}
