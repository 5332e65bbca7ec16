/**
 * DDSP's multi-scale spectral loss, with the multi-resolution STFT terms audio people also use.
 * For each FFT size s (hop s/4, periodic Hann, end padding), with M = |STFT| of target (t)
 * and value (v), the loss adds
 *   magWeight·D(Mt, Mv) + logmagWeight·D(log Mt, log Mv) + deltaTimeWeight·D(Δ_t Mt, Δ_t Mv)
 *   + deltaFreqWeight·D(Δ_f Mt, Δ_f Mv) + cumsumFreqWeight·D(Σ_f Mt, Σ_f Mv)
 *   + convergenceWeight·‖Mt − Mv‖_F/‖Mt‖_F + logMelWeight·D(log mel Mt, log mel Mv),
 * summed (not averaged) over scales, plus loudnessWeight·D(loudness(t), loudness(v)) with
 * 2048-point loudness. D is the mean L1 (default) or L2 difference; logs are DDSP's safeLog.
 * The VJP is with respect to the value; the target is data (use stopGradient semantics).
 * `makeSpectralLoss(target)` caches the target's features for training loops.
 */
import { checkNumber, checkOneOf, checkPositive, checkSize, fail, optionKeys, readOptions, within } from '../core/errors.ts';
import { frames, readLayout } from '../core/frames.ts';
import { magnitudeSpectrogram, magnitudeVjpFromSpectra, magnitudeWithSpectra, stftGeometry } from '../spectral/stft.ts';
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

function safeLogArr(m: Float64Array): Float64Array {
  const le = Math.log(1e-5);
  return m.map((v) => (v > 0 ? Math.log(v) : le));
}

function terms(o: Required<Omit<SpectralLossOptions, 'fftSizes'>>, T: number, B: number, mel: MelMatrix | null): Term[] {
  const out: Term[] = [];
  const id = (m: Float64Array) => m;
  if (o.magWeight) out.push({ name: 'mag', weight: o.magWeight, f: id, vjp: (g) => g, kind: 'mean' });
  if (o.logmagWeight) {
    out.push({ name: 'logmag', weight: o.logmagWeight, f: safeLogArr, vjp: (g, m) => g.map((v, i) => (m[i] > 0 ? v / m[i] : 0)), kind: 'mean' });
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
      f: (m) => safeLogArr(applyMel(frames(m, T, B), M).data),
      vjp: (g, m) => {
        const melv = applyMel(frames(m, T, B), M).data;
        const gm = g.map((v, i) => (melv[i] > 0 ? v / melv[i] : 0));
        return applyMelVjp(frames(gm, T, M.nMels), M).data;
      },
    });
  }
  return out;
}

interface ScaleCache {
  size: number;
  T: number;
  B: number;
  terms: Term[];
  targets: Float64Array[];
  targetNorm: number;
}

export interface SpectralLossFunction {
  /** The loss of `value` against the cached target. */
  loss(value: Float64Array): number;
  /** Loss and its gradient with respect to `value`. */
  valueAndGrad(value: Float64Array): { value: number; grad: Float64Array };
  /** Each weighted term, summed over scales (for logging). */
  terms(value: Float64Array): Record<string, number>;
}

/**
 * Precompute the target's features once; the returned functions evaluate the loss (and its
 * gradient) for any value of the same length.
 * @example
 *   const L = makeSpectralLoss(target, { logmagWeight: 1 });
 *   const { value, grad } = L.valueAndGrad(audio);
 */
const SPECTRAL_LOSS_KEYS = optionKeys<SpectralLossOptions>()(
  'fftSizes', 'lossType', 'magWeight', 'logmagWeight', 'deltaTimeWeight', 'deltaFreqWeight', 'cumsumFreqWeight',
  'loudnessWeight', 'convergenceWeight', 'logMelWeight', 'overlap', 'sampleRate', 'nMels',
);

export function makeSpectralLoss(target: Float64Array, opts: SpectralLossOptions = {}): SpectralLossFunction {
  return within('makeSpectralLoss', () => makeLoss('makeSpectralLoss', target, opts));
}

function makeLoss(fn: string, target: Float64Array, opts: SpectralLossOptions): SpectralLossFunction {
  const t = readLayout(fn, 'target', target).data;
  if (t.length < 1) fail(fn, 'target must have at least one sample (got 0)');
  const {
    fftSizes = DEFAULT_SIZES, lossType = 'L1', magWeight = 1, logmagWeight = 0, deltaTimeWeight = 0, deltaFreqWeight = 0,
    cumsumFreqWeight = 0, loudnessWeight = 0, convergenceWeight = 0, logMelWeight = 0, overlap = 0.75, sampleRate = 16000, nMels = 64,
  } = readOptions(fn, opts, SPECTRAL_LOSS_KEYS);
  checkOneOf(fn, 'opts.lossType', lossType, ['L1', 'L2'] as const);
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
  const all = { lossType, overlap, sampleRate, nMels, ...weights };
  const N = t.length;
  const scales: ScaleCache[] = fftSizes.map((size) => {
    const stftOpts = { frameSize: size, overlap };
    const g = stftGeometry(fn, N, stftOpts);
    if (g.fftSize !== size) fail(fn, `opts.fftSizes must be powers of two (got ${size})`);
    const mel = logMelWeight ? melWeightMatrix(Math.min(nMels, g.bins - 1), g.bins, sampleRate, 0, sampleRate / 2) : null;
    const ts = terms(all, g.nFrames, g.bins, mel);
    const mt = magnitudeSpectrogram(t, stftOpts).data;
    let norm = 0;
    for (const v of mt) norm += v * v;
    return { size, T: g.nFrames, B: g.bins, terms: ts, targets: ts.map((term) => term.f(mt)), targetNorm: Math.sqrt(norm) };
  });
  const loudOpts = { nFft: 2048, sampleRate };
  const loudTarget = loudnessWeight ? loudness(t, loudOpts) : null;
  const l1 = lossType === 'L1';

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

  function evaluate(value: Float64Array, withGrad: boolean) {
    const xs = check(value);
    const parts: Record<string, number> = {};
    let total = 0;
    const grad = withGrad ? new Float64Array(N) : null;
    for (const sc of scales) {
      const stftOpts = { frameSize: sc.size, overlap };
      const cached = withGrad ? magnitudeWithSpectra(xs, stftOpts) : null;
      const mv = cached ? cached.mag.data : magnitudeSpectrogram(xs, stftOpts).data;
      const gm = withGrad ? new Float64Array(mv.length) : null;
      sc.terms.forEach((term, i) => {
        // The two terms every config uses get one fused pass without temporaries.
        if (term.name === 'mag' || term.name === 'logmag') {
          const tgt = sc.targets[i];
          const isLog = term.name === 'logmag';
          const n = mv.length;
          const k = term.weight / n;
          const le = Math.log(1e-5);
          let acc = 0;
          for (let j = 0; j < n; j++) {
            const m = mv[j];
            const v = isLog ? (m > 0 ? Math.log(m) : le) : m;
            const d = v - tgt[j];
            acc += l1 ? Math.abs(d) : d * d;
            if (gm) {
              const gd = l1 ? k * Math.sign(d) : 2 * k * d;
              gm[j] += isLog ? (m > 0 ? gd / m : 0) : gd;
            }
          }
          const val = acc / n;
          parts[term.name] = (parts[term.name] ?? 0) + term.weight * val;
          total += term.weight * val;
          return;
        }
        const fv = term.f(mv);
        let val: number;
        let gf: Float64Array | null = null;
        if (term.kind === 'convergence') {
          let e = 0;
          for (let j = 0; j < fv.length; j++) e += (fv[j] - sc.targets[i][j]) ** 2;
          e = Math.sqrt(e);
          const norm = sc.targetNorm > 0 ? sc.targetNorm : 1;
          val = e / norm;
          if (withGrad) gf = fv.map((v, j) => (e > 0 ? (term.weight * (v - sc.targets[i][j])) / (e * norm) : 0));
        } else {
          val = D(sc.targets[i], fv);
          if (withGrad) gf = dD(sc.targets[i], fv, term.weight);
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

  return {
    loss: (v) => evaluate(v, false).total,
    valueAndGrad: (v) => {
      const r = evaluate(v, true);
      return { value: r.total, grad: r.grad as Float64Array };
    },
    terms: (v) => evaluate(v, false).parts,
  };
}

/**
 * Multi-scale spectral loss of `value` against `target` (a length-1 array).
 * @example spectralLoss(target, audio, { logmagWeight: 1 }) // DDSP's configs: L1, mag + logmag
 */
export function spectralLoss(target: Float64Array, value: Float64Array, opts: SpectralLossOptions = {}): Float64Array {
  return within('spectralLoss', () => Float64Array.of(makeLoss('spectralLoss', target, opts).loss(value)));
}

/** VJP of {@link spectralLoss} with respect to the value. */
export function spectralLossVjp(g: Float64Array, target: Float64Array, value: Float64Array, opts: SpectralLossOptions = {}): Float64Array {
  if (!(g instanceof Float64Array) || g.length !== 1) fail('spectralLossVjp', 'g must be a Float64Array of length 1');
  checkNumber('spectralLossVjp', 'g[0]', g[0]);
  const grad = within('spectralLossVjp', () => makeLoss('spectralLossVjp', target, opts).valueAndGrad(value).grad);
  return grad.map((v) => v * g[0]);
}
