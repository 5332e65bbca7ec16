/**
 * DDSP's multi-scale spectral loss, with the multi-resolution STFT terms audio people also use.
 * For each FFT size s (hop s/4, periodic Hann, end padding), with M = |STFT| of target (t)
 * and value (v), the loss adds
 *   magWeight·D(Mt, Mv) + logmagWeight·D(log Mt, log Mv) + deltaTimeWeight·D(Δ_t Mt, Δ_t Mv)
 *   + deltaFreqWeight·D(Δ_f Mt, Δ_f Mv) + cumsumFreqWeight·D(Σ_f Mt, Σ_f Mv)
 *   + convergenceWeight·‖Mt − Mv‖_F/‖Mt‖_F + logMelWeight·D(log mel Mt, log mel Mv),
 * summed (not averaged) over scales, plus loudnessWeight·D(loudness(t), loudness(v)) with
 * 2048-point loudness. D is the mean L1 (default) or L2 difference; logs are DDSP's safeLog, or
 * log(M + eps) with `logForm: 'offset'` (ddsp_pytorch, auraloss); frames are end-padded (DDSP),
 * `'valid'` or `'center'` with `framing`.
 * The VJP is with respect to the value; the target is data (use stopGradient semantics).
 * Magnitude and log-magnitude terms run through one fused kernel (spectralKernel.ts) that computes
 * the loss and its gradient frame by frame; `spectralLossValueAndGrad` gives both in one pass,
 * `makeSpectralLoss(target)` caches the target's features for training loops, and a `lossPool`
 * shares the scales among threads.
 */
import { checkNumber, checkOneOf, checkPositive, checkSize, fail, optionKeys, readOptions, within } from '../core/errors.ts';
import { frames, readLayout } from '../core/frames.ts';
import { magnitudeSpectrogram, magnitudeVjpFromSpectra, magnitudeWithSpectra, stftGeometry, type StftGeometry, type StftOptions } from '../spectral/stft.ts';
import { scaleKernel, type KernelTarget, type KernelTerms } from './spectralKernel.ts';
import { applyMel, applyMelVjp, melWeightMatrix, type MelMatrix } from '../spectral/mel.ts';
import { loudness, loudnessVjp } from '../spectral/features.ts';

export interface SpectralLossOptions {
  /** Default [2048, 1024, 512, 256, 128, 64]. */
  fftSizes?: readonly number[];
  /** 'L1' (default) or 'L2'. */
  lossType?: 'L1' | 'L2';
  magWeight?: number;
  logmagWeight?: number;
  deltaTimeWeight?: number;
  deltaFreqWeight?: number;
  cumsumFreqWeight?: number;
  loudnessWeight?: number;
  /** Spectral convergence ‖Mt − Mv‖_F / ‖Mt‖_F (multi-resolution STFT loss). */
  convergenceWeight?: number;
  /** Log-mel distance, nMels bands from 0 to Nyquist at each scale. */
  logMelWeight?: number;
  /** Default 0.75 (hop = size/4). */
  overlap?: number;
  /** Used by the loudness and log-mel terms. Default 16000. */
  sampleRate?: number;
  /** Default 64 (bands for the log-mel term; fewer at small scales where there are fewer bins). */
  nMels?: number;
  /**
   * How the log terms take logs: 'safe' (default, DDSP's safe_log: log S, with log eps where S = 0)
   * or 'offset' (log(S + eps), as ddsp_pytorch and auraloss).
   */
  logForm?: 'safe' | 'offset';
  /** The eps of the log terms. Default 1e-5. */
  logEps?: number;
  /**
   * How frames are laid out: 'padEnd' (default, DDSP/tf.signal.stft: ⌈N/hop⌉ frames, zeros after
   * the signal), 'valid' (whole frames inside the signal only, as torch.stft(center=False)) or
   * 'center' (size/2 zeros on both sides, frames without end padding).
   */
  framing?: 'padEnd' | 'valid' | 'center';
}

const DEFAULT_SIZES = [2048, 1024, 512, 256, 128, 64];

interface Term {
  name: string;
  weight: number;
  /** Features of a magnitude spectrogram [T·B] → flat array. */
  f: (m: Float64Array) => Float64Array;
  /** Adjoint: cotangent of the features → cotangent of m (given m). */
  vjp: (g: Float64Array, m: Float64Array) => Float64Array;
  /** 'mean' terms use D; 'convergence' is the Frobenius ratio. */
  kind: 'mean' | 'convergence';
}

/** The log of the log terms: DDSP's safe log or log(S + eps). */
interface LogRule {
  offset: boolean;
  eps: number;
}

function logArr(m: Float64Array, r: LogRule): Float64Array {
  if (r.offset) return m.map((v) => Math.log(v + r.eps));
  const le = Math.log(r.eps);
  return m.map((v) => (v > 0 ? Math.log(v) : le));
}

/** d log / dS at S = v, times g. */
function logVjp(g: number, v: number, r: LogRule): number {
  if (r.offset) return g / (v + r.eps);
  return v > 0 ? g / v : 0;
}

type TermWeights = Pick<Required<SpectralLossOptions>, 'magWeight' | 'logmagWeight' | 'deltaTimeWeight' | 'deltaFreqWeight' | 'cumsumFreqWeight' | 'convergenceWeight' | 'logMelWeight'>;

function terms(o: TermWeights, lr: LogRule, T: number, B: number, mel: MelMatrix | null): Term[] {
  const out: Term[] = [];
  const id = (m: Float64Array) => m;
  if (o.magWeight) out.push({ name: 'mag', weight: o.magWeight, f: id, vjp: (g) => g, kind: 'mean' });
  if (o.logmagWeight) {
    out.push({ name: 'logmag', weight: o.logmagWeight, f: (m) => logArr(m, lr), vjp: (g, m) => g.map((v, i) => logVjp(v, m[i], lr)), kind: 'mean' });
  }
  if (o.deltaTimeWeight && T > 1) {
    out.push({
      name: 'deltaTime', weight: o.deltaTimeWeight, kind: 'mean',
      f: (m) => Float64Array.from({ length: (T - 1) * B }, (_, i) => m[i + B] - m[i]),
      vjp: (g) => {
        const r = new Float64Array(T * B);
        for (let i = 0; i < g.length; i++) {
          r[i] -= g[i];
          r[i + B] += g[i];
        }
        return r;
      },
    });
  }
  if (o.deltaFreqWeight && B > 1) {
    out.push({
      name: 'deltaFreq', weight: o.deltaFreqWeight, kind: 'mean',
      f: (m) => {
        const r = new Float64Array(T * (B - 1));
        for (let t = 0; t < T; t++) for (let b = 0; b + 1 < B; b++) r[t * (B - 1) + b] = m[t * B + b + 1] - m[t * B + b];
        return r;
      },
      vjp: (g) => {
        const r = new Float64Array(T * B);
        for (let t = 0; t < T; t++) {
          for (let b = 0; b + 1 < B; b++) {
            const v = g[t * (B - 1) + b];
            r[t * B + b] -= v;
            r[t * B + b + 1] += v;
          }
        }
        return r;
      },
    });
  }
  if (o.cumsumFreqWeight) {
    out.push({
      name: 'cumsumFreq', weight: o.cumsumFreqWeight, kind: 'mean',
      f: (m) => {
        const r = new Float64Array(T * B);
        for (let t = 0; t < T; t++) {
          let s = 0;
          for (let b = 0; b < B; b++) r[t * B + b] = s += m[t * B + b];
        }
        return r;
      },
      vjp: (g) => {
        const r = new Float64Array(T * B);
        for (let t = 0; t < T; t++) {
          let s = 0;
          for (let b = B - 1; b >= 0; b--) r[t * B + b] = s += g[t * B + b];
        }
        return r;
      },
    });
  }
  if (o.convergenceWeight) out.push({ name: 'convergence', weight: o.convergenceWeight, f: id, vjp: (g) => g, kind: 'convergence' });
  if (o.logMelWeight && mel) {
    const M = mel;
    out.push({
      name: 'logMel', weight: o.logMelWeight, kind: 'mean',
      f: (m) => logArr(applyMel(frames(m, T, B), M).data, lr),
      vjp: (g, m) => {
        const melv = applyMel(frames(m, T, B), M).data;
        const gm = g.map((v, i) => logVjp(v, melv[i], lr));
        return applyMelVjp(frames(gm, T, M.nMels), M).data;
      },
    });
  }
  return out;
}

interface ScaleCache {
  size: number;
  geometry: StftGeometry;
  terms: Term[];
  /** Only magnitude and log-magnitude terms: the fused kernel runs the scale. */
  fused: boolean;
  /** Per-term target features (general path), or the kernel's cached target; null: per call. */
  targets: Float64Array[] | null;
  kernelTarget: KernelTarget | null;
  targetNorm: number;
}

export interface ScaleResult {
  total: number;
  parts: Record<string, number>;
}

/** The per-scale pieces of a loss, for the thread pool (internal). */
export const SCALES: unique symbol = Symbol('spectralLoss.scales');

interface ScalePieces {
  count: number;
  /** Relative cost of each scale, for splitting them among threads. */
  cost: number[];
  check(v: Float64Array): Float64Array;
  scale(i: number, xs: Float64Array, g: Float64Array | null): ScaleResult;
  combine(xs: Float64Array, results: ScaleResult[], grads: Float64Array[] | null): { total: number; parts: Record<string, number>; grad: Float64Array | null };
}

/**
 * A zeroed scratch gradient for scale i of an N-sample loss, reused across calls (each scale's
 * gradient is summed into the returned one before the next call).
 */
const gradScratch: Float64Array[] = [];
function scaleGradBuffer(N: number, i: number): Float64Array {
  let g = gradScratch[i];
  if (g === undefined || g.length !== N) g = gradScratch[i] = new Float64Array(N);
  else g.fill(0);
  return g;
}

export interface SpectralLossFunction {
  /** @internal */
  readonly [SCALES]?: ScalePieces;
  /** The loss of `value` against the cached target. */
  loss(value: Float64Array): number;
  /** Loss and its gradient with respect to `value`. */
  valueAndGrad(value: Float64Array): { value: number; grad: Float64Array };
  /** Each weighted term, summed over scales (for logging). */
  terms(value: Float64Array): Record<string, number>;
}

/** The keys of {@link SpectralLossOptions}. */
export const SPECTRAL_LOSS_KEYS = optionKeys<SpectralLossOptions>()(
  'fftSizes', 'lossType', 'magWeight', 'logmagWeight', 'deltaTimeWeight', 'deltaFreqWeight', 'cumsumFreqWeight',
  'loudnessWeight', 'convergenceWeight', 'logMelWeight', 'overlap', 'sampleRate', 'nMels', 'logForm', 'logEps', 'framing',
);

/**
 * Precompute the target's features once; the returned functions evaluate the loss (and its
 * gradient) for any value of the same length.
 * @example
 *   const L = makeSpectralLoss(target, { logmagWeight: 1 });
 *   const { value, grad } = L.valueAndGrad(audio);
 */
export function makeSpectralLoss(target: Float64Array, opts: SpectralLossOptions = {}): SpectralLossFunction {
  return within('makeSpectralLoss', () => makeLoss('makeSpectralLoss', target, opts, true));
}

/** The options of a spectral loss, validated (errors name `fn`) and with their defaults. */
export function spectralLossSettings(fn: string, opts: SpectralLossOptions): Required<SpectralLossOptions> {
  const o = readOptions(fn, opts, SPECTRAL_LOSS_KEYS);
  const {
    fftSizes = DEFAULT_SIZES, lossType = 'L1', magWeight = 1, logmagWeight = 0, deltaTimeWeight = 0, deltaFreqWeight = 0,
    cumsumFreqWeight = 0, loudnessWeight = 0, convergenceWeight = 0, logMelWeight = 0, overlap = 0.75, sampleRate = 16000, nMels = 64,
    logForm = 'safe', logEps = 1e-5, framing = 'padEnd',
  } = o;
  checkOneOf(fn, 'opts.lossType', lossType, ['L1', 'L2'] as const);
  checkOneOf(fn, 'opts.logForm', logForm, ['safe', 'offset'] as const);
  checkOneOf(fn, 'opts.framing', framing, ['padEnd', 'valid', 'center'] as const);
  checkPositive(fn, 'opts.logEps', logEps);
  checkSize(fn, 'opts.nMels', nMels, 1);
  const weights = { magWeight, logmagWeight, deltaTimeWeight, deltaFreqWeight, cumsumFreqWeight, loudnessWeight, convergenceWeight, logMelWeight };
  for (const [k, v] of Object.entries(weights)) {
    checkNumber(fn, `opts.${k}`, v);
    if (!(v >= 0 && v <= 1e12)) fail(fn, `opts.${k} must be in [0, 1e12] (got ${v})`);
  }
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  if (!Array.isArray(fftSizes) || fftSizes.length === 0) fail(fn, 'opts.fftSizes must be a non-empty array of powers of two');
  fftSizes.forEach((size, i) => {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 2 || size > 2 ** 20 || 2 ** Math.round(Math.log2(size)) !== size) {
      fail(fn, `opts.fftSizes[${i}] must be a power of two in [2, 2^20] (got ${size})`);
    }
  });
  return {
    fftSizes, lossType, magWeight, logmagWeight, deltaTimeWeight, deltaFreqWeight, cumsumFreqWeight, loudnessWeight, convergenceWeight,
    logMelWeight, overlap, sampleRate, nMels, logForm, logEps, framing,
  };
}

/** Per-scale frame layout for a framing mode. */
export function framingOptions(size: number, overlap: number, framing: 'padEnd' | 'valid' | 'center'): StftOptions {
  return { frameSize: size, overlap, padEnd: framing === 'padEnd', center: framing === 'center' };
}

/**
 * The loss, set up for targets of `target`'s length. With `cache` the target's features are
 * computed now (training loops); without, they are computed beside the value on each call, frame
 * by frame (a one-shot call stores no target spectra).
 */
function makeLoss(fn: string, target: Float64Array, opts: SpectralLossOptions, cache: boolean): SpectralLossFunction {
  const t = readLayout(fn, 'target', target).data;
  if (t.length < 1) fail(fn, 'target must have at least one sample (got 0)');
  const {
    fftSizes, lossType, magWeight, logmagWeight, deltaTimeWeight, deltaFreqWeight, cumsumFreqWeight, loudnessWeight, convergenceWeight,
    logMelWeight, overlap, sampleRate, nMels, logForm, logEps, framing,
  } = spectralLossSettings(fn, opts);
  const weights = { magWeight, logmagWeight, deltaTimeWeight, deltaFreqWeight, cumsumFreqWeight, loudnessWeight, convergenceWeight, logMelWeight };
  const lr: LogRule = { offset: logForm === 'offset', eps: logEps };
  const l1 = lossType === 'L1';
  const kernelTerms: KernelTerms = { magWeight, logmagWeight, l1, offset: lr.offset, eps: logEps };
  const N = t.length;
  const scales: ScaleCache[] = fftSizes.map((size) => {
    const stftOpts = framingOptions(size, overlap, framing);
    const g = stftGeometry(fn, N, stftOpts);
    if (g.fftSize !== size) fail(fn, `opts.fftSizes must be powers of two (got ${size})`);
    const mel = logMelWeight ? melWeightMatrix(Math.min(nMels, g.bins - 1), g.bins, sampleRate, 0, sampleRate / 2) : null;
    const ts = terms(weights, lr, g.nFrames, g.bins, mel);
    const fused = ts.every((term) => term.name === 'mag' || term.name === 'logmag');
    const sc: ScaleCache = { size, geometry: g, terms: ts, fused, targets: null, kernelTarget: null, targetNorm: 0 };
    if (fused && !cache) {
      sc.kernelTarget = { kind: 'signal', x: t };
      return sc;
    }
    if (fused) {
      const mt = magnitudeSpectrogram(t, stftOpts).data;
      sc.kernelTarget = { kind: 'cached', mag: mt, log: logmagWeight ? logArr(mt, lr) : null };
      return sc;
    }
    // The general path's target features: now when caching, else when the scale is first evaluated.
    if (cache) targetFeatures(sc);
    return sc;
  });
  function targetFeatures(sc: ScaleCache): Float64Array[] {
    if (sc.targets) return sc.targets;
    const mt = magnitudeSpectrogram(t, framingOptions(sc.size, overlap, framing)).data;
    let norm = 0;
    for (const v of mt) norm += v * v;
    sc.targetNorm = Math.sqrt(norm);
    return (sc.targets = sc.terms.map((term) => term.f(mt)));
  }
  const loudOpts = { nFft: 2048, sampleRate };
  const loudTarget = loudnessWeight ? loudness(t, loudOpts) : null;

  const check = (v: Float64Array) => {
    const xs = readLayout(fn, 'value', v).data;
    if (xs.length !== N) fail(fn, `value must have the target's length ${N} (got ${xs.length})`);
    return xs;
  };
  const D = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = b[i] - a[i];
      s += l1 ? Math.abs(d) : d * d;
    }
    return a.length ? s / a.length : 0;
  };
  const dD = (a: Float64Array, b: Float64Array, w: number) => {
    const k = a.length ? w / a.length : 0;
    return b.map((v, i) => {
      const d = v - a[i];
      return l1 ? k * Math.sign(d) : 2 * k * d;
    });
  };

  /** The general path: every term from the scale's whole magnitude spectrogram. */
  function generalScale(sc: ScaleCache, xs: Float64Array, parts: Record<string, number>, grad: Float64Array | null): number {
    const stftOpts = framingOptions(sc.size, overlap, framing);
    const cached = grad ? magnitudeWithSpectra(xs, stftOpts) : null;
    const mv = cached ? cached.mag.data : magnitudeSpectrogram(xs, stftOpts).data;
    const gm = grad ? new Float64Array(mv.length) : null;
    const targets = targetFeatures(sc);
    let total = 0;
    sc.terms.forEach((term, i) => {
      const fv = term.f(mv);
      let val: number;
      let gf: Float64Array | null = null;
      if (term.kind === 'convergence') {
        let e = 0;
        for (let j = 0; j < fv.length; j++) e += (fv[j] - targets[i][j]) ** 2;
        e = Math.sqrt(e);
        const norm = sc.targetNorm > 0 ? sc.targetNorm : 1;
        val = e / norm;
        if (grad) gf = fv.map((v, j) => (e > 0 ? (term.weight * (v - targets[i][j])) / (e * norm) : 0));
      } else {
        val = D(targets[i], fv);
        if (grad) gf = dD(targets[i], fv, term.weight);
      }
      parts[term.name] = (parts[term.name] ?? 0) + term.weight * val;
      total += term.weight * val;
      if (gm && gf) {
        const back = term.vjp(gf, mv);
        for (let j = 0; j < gm.length; j++) gm[j] += back[j];
      }
    });
    if (grad && gm && cached) {
      const gx = magnitudeVjpFromSpectra(gm, xs, cached);
      for (let j = 0; j < N; j++) grad[j] += gx[j];
    }
    return total;
  }

  /**
   * Scale i's weighted total and terms, its gradient written into `g` (zeroed, length N) when
   * given. Scales are independent, so any thread may compute any of them.
   */
  function scale(i: number, xs: Float64Array, g: Float64Array | null): ScaleResult {
    const sc = scales[i];
    const parts: Record<string, number> = {};
    if (!sc.fused) return { total: generalScale(sc, xs, parts, g), parts };
    const r = scaleKernel(xs, sc.kernelTarget as KernelTarget, sc.geometry, kernelTerms, g);
    // Terms in the order DDSP adds them: magnitude, then log magnitude.
    let total = 0;
    if (magWeight) total += parts.mag = magWeight * r.mag;
    if (logmagWeight) total += parts.logmag = logmagWeight * r.logmag;
    return { total, parts };
  }

  /**
   * The loss from every scale's result, summed in scale order, and the loudness term. The sums'
   * order is fixed, so the result is the same whichever threads computed the scales.
   */
  function combine(xs: Float64Array, results: ScaleResult[], grads: Float64Array[] | null) {
    const parts: Record<string, number> = {};
    let total = 0;
    for (const r of results) {
      total += r.total;
      for (const [k, v] of Object.entries(r.parts)) parts[k] = (parts[k] ?? 0) + v;
    }
    let grad: Float64Array | null = null;
    if (grads) {
      grad = grads[0].slice();
      for (let i = 1; i < grads.length; i++) {
        const gi = grads[i];
        for (let j = 0; j < N; j++) grad[j] += gi[j];
      }
    }
    if (loudTarget) {
      const lv = loudness(xs, loudOpts);
      const val = D(loudTarget, lv);
      parts.loudness = loudnessWeight * val;
      total += loudnessWeight * val;
      if (grad) {
        const gx = loudnessVjp(dD(loudTarget, lv, loudnessWeight), xs, loudOpts);
        for (let j = 0; j < N; j++) grad[j] += gx[j];
      }
    }
    return { total, parts, grad };
  }

  function evaluate(value: Float64Array, withGrad: boolean) {
    const xs = check(value);
    const results: ScaleResult[] = [];
    const grads: Float64Array[] | null = withGrad ? [] : null;
    for (let i = 0; i < scales.length; i++) {
      const g = grads ? scaleGradBuffer(N, i) : null;
      results.push(scale(i, xs, g));
      if (grads && g) grads.push(g);
    }
    return combine(xs, results, grads);
  }

  return {
    loss: (v) => evaluate(v, false).total,
    valueAndGrad: (v) => {
      const r = evaluate(v, true);
      return { value: r.total, grad: r.grad as Float64Array };
    },
    terms: (v) => evaluate(v, false).parts,
    [SCALES]: { count: scales.length, cost: scales.map((sc) => sc.geometry.nFrames * sc.geometry.fftSize * (Math.log2(sc.geometry.fftSize) + 8)), check, scale, combine },
  };
}

/**
 * Threads that compute some of a loss's scales (made by `lossPool` in `ddsp/node`, which runs them on
 * worker threads). Internal protocol: `startScales` posts groups of scale indices, one group per
 * helper thread, and returns a function that waits for their results.
 */
export interface ScaleRunner {
  /** Threads in all, the calling one included. */
  readonly threads: number;
  /** @internal */
  startScales(job: ScaleJob): () => RemoteScales[];
}

/** @internal One call's work for the helper threads. */
export interface ScaleJob {
  fn: string;
  target: Float64Array;
  value: Float64Array;
  opts: SpectralLossOptions;
  /** One group of scale indices per helper thread. */
  groups: number[][];
  withGrad: boolean;
}

/** @internal A helper thread's results: its scales' totals and terms, and their gradients. */
export interface RemoteScales {
  indices: number[];
  results: ScaleResult[];
  grads: Float64Array[] | null;
}

/** Split scales among `threads` by cost: the costliest first, each to the least-loaded thread. */
function splitScales(cost: number[], threads: number): number[][] {
  const groups: number[][] = Array.from({ length: Math.max(1, Math.min(threads, cost.length)) }, () => []);
  const load = groups.map(() => 0);
  const order = cost.map((c, i) => [c, i]).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  for (const [c, i] of order) {
    let best = 0;
    for (let k = 1; k < load.length; k++) if (load[k] < load[best]) best = k;
    groups[best].push(i);
    load[best] += c;
  }
  for (const g of groups) g.sort((x, y) => x - y);
  return groups;
}

/** @internal The scale pieces of a one-shot loss (the pool's worker side uses this). */
export function oneShotScales(fn: string, target: Float64Array, opts: SpectralLossOptions): ScalePieces {
  return makeLoss(fn, target, opts, false)[SCALES] as ScalePieces;
}

function isRunner(p: unknown): p is ScaleRunner {
  return typeof p === 'object' && p !== null && typeof (p as ScaleRunner).startScales === 'function' && Number.isInteger((p as ScaleRunner).threads);
}

/**
 * A one-shot evaluation, with the scales shared among `pool`'s threads when one is given: this
 * thread computes its group while the helpers compute theirs, and the results are combined in
 * scale order, so they are bit-identical to a single thread's.
 */
function oneShot(fn: string, target: Float64Array, value: Float64Array, opts: SpectralLossOptions, pool: ScaleRunner | undefined, withGrad: boolean) {
  if (pool !== undefined && !isRunner(pool)) fail(fn, `pool must come from lossPool() in ddsp/node (got ${pool === null ? 'null' : typeof pool})`);
  const P = oneShotScales(fn, target, opts);
  const xs = P.check(value);
  const groups = splitScales(P.cost, pool ? pool.threads : 1);
  const wait = groups.length > 1 ? (pool as ScaleRunner).startScales({ fn, target, value: xs, opts, groups: groups.slice(1), withGrad }) : null;
  const results: ScaleResult[] = new Array(P.count);
  const grads: Float64Array[] | null = withGrad ? new Array(P.count) : null;
  const N = xs.length;
  for (const i of groups[0]) {
    const g = grads ? scaleGradBuffer(N, i) : null;
    results[i] = P.scale(i, xs, g);
    if (grads && g) grads[i] = g;
  }
  if (wait) {
    for (const r of wait()) {
      r.indices.forEach((i, j) => {
        results[i] = r.results[j];
        if (grads && r.grads) grads[i] = r.grads[j];
      });
    }
  }
  return P.combine(xs, results, grads);
}

/**
 * Multi-scale spectral loss of `value` against `target` (a length-1 array). With a `pool`
 * (`lossPool()` from `ddsp/node`), the scales are computed on several threads, with the same result.
 * @example spectralLoss(target, audio, { logmagWeight: 1 }) // DDSP's configs: L1, mag + logmag
 */
export function spectralLoss(target: Float64Array, value: Float64Array, opts: SpectralLossOptions = {}, pool?: ScaleRunner): Float64Array {
  return within('spectralLoss', () => Float64Array.of(oneShot('spectralLoss', target, value, opts, pool, false).total));
}

/**
 * The loss and its gradient with respect to `value` in one pass: each frame's spectrum serves
 * both, and nothing is stored per frame. The target is transformed alongside, as DDSP does on
 * every step; for a fixed target in a loop, {@link makeSpectralLoss} caches it. With a `pool`
 * (`lossPool()` from `ddsp/node`), the scales are computed on several threads, with the same result.
 * @example const { value, grad } = spectralLossValueAndGrad(target, audio, { logmagWeight: 1 });
 */
export function spectralLossValueAndGrad(
  target: Float64Array,
  value: Float64Array,
  opts: SpectralLossOptions = {},
  pool?: ScaleRunner,
): { value: number; grad: Float64Array } {
  return within('spectralLossValueAndGrad', () => {
    const r = oneShot('spectralLossValueAndGrad', target, value, opts, pool, true);
    return { value: r.total, grad: r.grad as Float64Array };
  });
}

/** VJP of {@link spectralLoss} with respect to the value. */
export function spectralLossVjp(g: Float64Array, target: Float64Array, value: Float64Array, opts: SpectralLossOptions = {}, pool?: ScaleRunner): Float64Array {
  if (!(g instanceof Float64Array) || g.length !== 1) fail('spectralLossVjp', 'g must be a Float64Array of length 1');
  checkNumber('spectralLossVjp', 'g[0]', g[0]);
  const grad = within('spectralLossVjp', () => oneShot('spectralLossVjp', target, value, opts, pool, true).grad as Float64Array);
  for (let i = 0; i < grad.length; i++) grad[i] *= g[0];
  return grad;
}
