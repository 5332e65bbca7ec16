/**
 * Fundamental-frequency tracking (not differentiable), for data preparation: YIN
 * (de Cheveigné & Kawahara 2002) and probabilistic YIN (Mauch & Dixon 2014; defaults as in the
 * reference pYIN software and librosa 0.11). No pretrained model is involved: both work offline,
 * identically on every runtime.
 *
 * The difference function is centred on the frame's time stamp for every lag. Frame t has
 * centre c = t·hop (with `center`, the signal padded by `padMode`), and for lag τ
 *   a_τ   = c − ⌊(W + τ)/2⌋
 *   d(τ)  = Σ_{j<W} (x[a_τ + j] − x[a_τ + j + τ])²
 *   d′(τ) = d(τ)·τ / Σ_{1≤j≤τ} d(j)                   (cumulative-mean normalised)
 * so the samples compared are symmetric about c whatever τ is (a plain YIN frame compares
 * [c − W, c + τ), which lags the time stamp by about W/2 samples). W is `winLength`; lags run to
 * τmax = ⌈sampleRate/fMin⌉, which must satisfy τmax ≤ frameLength − W − 1.
 */
import { checkBoolean, checkInteger, checkOneOf, checkPositive, fail, optionKeys, readOptions } from '../core/errors.ts';
import { readLayout } from '../core/frames.ts';
import { betaIntervalProbs } from './pitchPriors.ts';

/** Framing shared by `yin` and `pyin`. */
export interface PitchFrameOptions {
  sampleRate?: number;
  /** Frames per second (hop = sampleRate/frameRate, an integer). Default 250. Give this or `hop`. */
  frameRate?: number;
  /** Samples between frames; an alternative to `frameRate`. */
  hop?: number;
  /** Lowest detectable f0. Default 40 Hz. */
  fMin?: number;
  /** Highest detectable f0. Default 2100 Hz. */
  fMax?: number;
  /**
   * Samples spanned by a frame's analysis: the longest lag is frameLength − winLength − 1, so
   * ⌈sampleRate/fMin⌉ ≤ frameLength − winLength − 1 must hold. Default 2·⌈sampleRate/fMin⌉ + 2
   * (802 at 16 kHz and 40 Hz). At most 4·sampleRate.
   */
  frameLength?: number;
  /** Samples summed per lag (W). Default ⌊frameLength/2⌋. */
  winLength?: number;
  /** Frame t centred on sample t·hop, the signal padded at both ends (default true); else frames start at t·hop. */
  center?: boolean;
  /** Padding for `center`: 'reflect' (default, as librosa) or 'zero'. */
  padMode?: 'reflect' | 'zero';
}

export interface F0Options extends PitchFrameOptions {
  /** YIN's absolute threshold on d′. Default 0.15. */
  threshold?: number;
}
const FRAME_KEYS = ['sampleRate', 'frameRate', 'hop', 'fMin', 'fMax', 'frameLength', 'winLength', 'center', 'padMode'] as const;
const F0_KEYS = optionKeys<F0Options>()(...FRAME_KEYS, 'threshold');

export interface F0Track {
  /** f0 per frame in Hz (0 where the frame is silent). */
  f0Hz: Float64Array;
  /** 1 − d′ at the chosen lag, in [0, 1] (0 for silence). */
  confidence: Float64Array;
  /** The time of each frame's centre in seconds. */
  times: Float64Array;
}

interface Analysis {
  sampleRate: number;
  hop: number;
  W: number;
  tauMin: number;
  tauMax: number;
  nFrames: number;
  times: Float64Array;
  /** Fills d (raw difference) and dn (d′) for lags 0…τmax+1 of frame t; false when the frame is silent. */
  frame(t: number, d: Float64Array, dn: Float64Array): boolean;
}

/** Validate the framing options and build the per-frame difference-function analysis. */
function analysis(fn: string, x: Float64Array, o: PitchFrameOptions): Analysis {
  const xs = readLayout(fn, 'x', x).data;
  const { sampleRate = 16000, fMin = 40, fMax = 2100, center = true, padMode = 'zero' } = o;
  checkPositive(fn, 'opts.sampleRate', sampleRate);
  checkPositive(fn, 'opts.fMin', fMin);
  checkPositive(fn, 'opts.fMax', fMax);
  checkBoolean(fn, 'opts.center', center);
  checkOneOf(fn, 'opts.padMode', padMode, ['reflect', 'zero']);
  if (!(fMax > fMin)) fail(fn, `opts.fMax must exceed opts.fMin (got ${fMin} and ${fMax})`);
  if (fMax >= sampleRate / 2) fail(fn, `opts.fMax must be below Nyquist ${sampleRate / 2} (got ${fMax})`);
  let hop: number;
  if (o.hop !== undefined) {
    checkInteger(fn, 'opts.hop', o.hop, 1);
    if (o.frameRate !== undefined) fail(fn, 'give opts.hop or opts.frameRate, not both');
    hop = o.hop;
  } else {
    const frameRate = o.frameRate ?? 250;
    checkPositive(fn, 'opts.frameRate', frameRate);
    hop = sampleRate / frameRate;
    if (!Number.isInteger(hop) || hop < 1) fail(fn, `opts.sampleRate/opts.frameRate must be a whole number of samples (got ${sampleRate}/${frameRate} = ${hop}); or give opts.hop`);
  }
  const tauMin = Math.max(2, Math.floor(sampleRate / fMax));
  const tauMax = Math.ceil(sampleRate / fMin);
  const maxFrame = Math.min(2 ** 22, Math.floor(4 * sampleRate));
  if (tauMax > maxFrame / 2) fail(fn, `opts.fMin (${fMin} Hz) needs lags of ${tauMax} samples, beyond frames of ${maxFrame} (4 s, at most 2^22 samples); raise opts.fMin`);
  const L = o.frameLength ?? 2 * tauMax + 2;
  if (o.frameLength !== undefined) {
    checkInteger(fn, 'opts.frameLength', L, 5);
    if (L > maxFrame) fail(fn, `opts.frameLength must be at most ${maxFrame} samples (4 s, and 2^22) (got ${L})`);
  }
  const W = o.winLength ?? Math.floor(L / 2);
  if (o.winLength !== undefined) {
    checkInteger(fn, 'opts.winLength', W, 2);
    if (W >= L) fail(fn, `opts.winLength must be below opts.frameLength ${L} (got ${W})`);
  }
  if (tauMax > L - W - 1) {
    const needL = tauMax + W + 1;
    fail(fn, `opts.fMin (${fMin} Hz) needs lags up to ${tauMax} samples, more than a frame of ${L} with a window of ${W} resolves (${L - W - 1}); raise opts.fMin to at least ${Math.ceil(sampleRate / Math.max(1, L - W - 1))} Hz or opts.frameLength to ${o.winLength === undefined ? 2 * tauMax + 2 : needL}`);
  }
  if (tauMin >= tauMax) fail(fn, `opts.fMin and opts.fMax leave no lag to search (lags ${tauMin}…${tauMax})`);
  const N = xs.length;
  // Analysis span of a frame for lags up to τmax + 1 (the parabola's right neighbour).
  const left = Math.floor((W + tauMax + 1) / 2);
  const right = Math.ceil((W + tauMax + 1) / 2);
  let nFrames: number;
  let c0: number;
  if (center) {
    nFrames = Math.floor(N / hop) + 1;
    c0 = 0;
  } else {
    if (N < L) fail(fn, `x has ${N} samples, fewer than one frame of ${L} (opts.center is false)`);
    nFrames = Math.floor((N - L) / hop) + 1;
    c0 = Math.floor(L / 2);
  }
  const P = left + 1;
  const xp = new Float64Array(N + 2 * (right + 1) + 2 * P);
  const period = 2 * N - 2;
  for (let i = 0; i < xp.length; i++) {
    const k = i - P;
    if (k >= 0 && k < N) xp[i] = xs[k];
    else if (padMode === 'reflect' && N > 0) {
      if (N === 1) xp[i] = xs[0];
      else {
        const m = ((k % period) + period) % period;
        xp[i] = xs[m < N ? m : period - m];
      }
    }
  }
  const times = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) times[t] = (c0 + t * hop) / sampleRate;
  // Frames are analysed in chunks of CH: for each lag, one pass over the chunk's samples forms the
  // prefix sums of x[n]·x[n+τ], and every frame's windowed sum is a difference of two of them —
  // about hop·τmax multiply-adds per frame. Energies come from a prefix sum of x² likewise.
  const CH = Math.max(1, Math.min(nFrames, Math.ceil(16384 / hop)));
  const rows = tauMax + 2;
  const dc = new Float64Array(CH * rows);
  const live = new Uint8Array(CH);
  const maxSpan = (CH - 1) * hop + left + right + 1;
  const bounds = new Int32Array(2 * CH);
  const cum = new Float64Array(2 * CH);
  const cumU = new Float64Array(2 * CH);
  const startAt = new Int32Array(CH);
  const endAt = new Int32Array(CH);
  const sq = new Float64Array(maxSpan + 1);
  const ew = new Float64Array(maxSpan + 1);
  let ct0 = -1;
  let ct1 = -1;
  const fill = (t0: number) => {
    const t1 = Math.min(nFrames, t0 + CH);
    const lo = P + c0 + t0 * hop - left; // first sample any lag of the chunk reads
    const hi = P + c0 + (t1 - 1) * hop + right; // one past the last
    const span = hi - lo;
    for (let k = 0; k < span; k++) sq[k + 1] = sq[k] + xp[lo + k] * xp[lo + k];
    for (let k = 0; k + W <= span; k++) ew[k] = sq[k + W] - sq[k]; // energy of [k, k + W)
    for (let f = 0; f < t1 - t0; f++) {
      const s = (t0 + f) * hop + c0 + P - lo;
      live[f] = sq[s + right] - sq[s - left] > 1e-12 * (left + right) ? 1 : 0;
    }
    // Frame f's window for lag τ is [a_f, a_f + W) with a_f = a_0 + f·hop: its sum is a difference
    // of the running sum at two boundaries. The boundaries {f·hop} ∪ {f·hop + W} (relative to a_0)
    // are the same for every lag; the running sum is built segment by segment between them,
    // four products at a time in independent accumulators.
    const F = t1 - t0;
    let nb = 0;
    for (let i = 0, j = 0; i < F || j < F;) {
      const u = i < F ? i * hop : Infinity;
      const v = j < F ? j * hop + W : Infinity;
      if (u <= v) {
        if (u === v) endAt[j++] = nb;
        startAt[i++] = nb;
        bounds[nb++] = u;
      } else {
        endAt[j++] = nb;
        bounds[nb++] = v;
      }
    }
    // Lags τ and τ + 1 whose windows start at the same sample (⌊(W + τ)/2⌋ equal) go through the
    // samples together, sharing the loads of x[k].
    for (let tau = 1; tau <= tauMax + 1;) {
      const h = Math.floor((W + tau) / 2);
      const pair = tau + 1 <= tauMax + 1 && Math.floor((W + tau + 1) / 2) === h;
      const a0 = t0 * hop + c0 + P - h; // a_0 in xp
      const xt = xp.subarray(tau); // xt[k] = xp[k + τ]
      const xu = xp.subarray(pair ? tau + 1 : tau);
      let acc = 0;
      let accU = 0;
      cum[0] = 0;
      cumU[0] = 0;
      for (let q = 1; q < nb; q++) {
        let k = a0 + bounds[q - 1];
        const end = a0 + bounds[q];
        let s0 = 0;
        let s1 = 0;
        let u0 = 0;
        let u1 = 0;
        for (; k + 1 < end; k += 2) {
          const x0 = xp[k];
          const x1 = xp[k + 1];
          s0 += x0 * xt[k];
          s1 += x1 * xt[k + 1];
          u0 += x0 * xu[k];
          u1 += x1 * xu[k + 1];
        }
        if (k < end) {
          s0 += xp[k] * xt[k];
          u0 += xp[k] * xu[k];
        }
        acc += s0 + s1;
        accU += u0 + u1;
        cum[q] = acc;
        cumU[q] = accU;
      }
      for (let f = 0; f < F; f++) {
        const a = a0 + f * hop - lo;
        const r = cum[endAt[f]] - cum[startAt[f]];
        dc[tau * CH + f] = Math.max(0, ew[a] + ew[a + tau] - 2 * r);
      }
      if (pair) {
        for (let f = 0; f < F; f++) {
          const a = a0 + f * hop - lo;
          const r = cumU[endAt[f]] - cumU[startAt[f]];
          dc[(tau + 1) * CH + f] = Math.max(0, ew[a] + ew[a + tau + 1] - 2 * r);
        }
      }
      tau += pair ? 2 : 1;
    }
    ct0 = t0;
    ct1 = t1;
  };
  const frame = (t: number, d: Float64Array, dn: Float64Array): boolean => {
    if (t < ct0 || t >= ct1) fill(t);
    const f = t - ct0;
    if (!live[f]) return false;
    d[0] = 0;
    dn[0] = 1;
    let cum = 0;
    for (let tau = 1; tau <= tauMax + 1; tau++) {
      const v = dc[tau * CH + f];
      d[tau] = v;
      cum += v;
      dn[tau] = cum > 0 ? (v * tau) / cum : 1;
    }
    return true;
  };
  return { sampleRate, hop, W, tauMin, tauMax, nFrames, times, frame };
}

/** The parabola's vertex offset through (−1, y0), (0, y1), (1, y2), in (−1, 1); 0 when flat or not a minimum. */
function vertex(y0: number, y1: number, y2: number): number {
  const den = y0 - 2 * y1 + y2;
  if (!(den > 0)) return 0;
  const s = (0.5 * (y0 - y2)) / den;
  return Math.abs(s) < 1 ? s : 0;
}

/**
 * The lag offset of the minimum of d around an integer trough τ, in (−1, 1). A parabola through
 * d(τ−1), d(τ), d(τ+1) reads high frequencies sharp (near τ ≈ 8 the trough is a cosine, not a
 * parabola: +8 cents at 1.9 kHz for a sine at 16 kHz), so the parabola's offset s is mapped
 * through the exact vertex of A − B·cos(ω(k − δ)) through the same three points,
 * tan(ωδ) = 2s·tan(ω/2), with ω = 2π/(τ + δ) iterated from δ = s (three times: for τ ≥ 7 the third moves δ by
 * < 3e-4 of a sample). Exact for a sinusoid.
 */
function refine(tau: number, d: Float64Array): number {
  const s = vertex(d[tau - 1], d[tau], d[tau + 1]);
  let delta = s;
  for (let i = 0; i < 3; i++) {
    const om = (2 * Math.PI) / (tau + delta);
    delta = Math.atan(2 * s * Math.tan(om / 2)) / om;
  }
  return delta;
}

/** d′'s value at the minimum of the parabola through its three values around trough τ (≥ 0). */
function troughHeight(tau: number, dn: Float64Array): number {
  const y0 = dn[tau - 1];
  const y1 = dn[tau];
  const y2 = dn[tau + 1];
  const den = y0 - 2 * y1 + y2;
  return den > 0 ? Math.max(0, y1 - ((y0 - y2) * (y0 - y2)) / (8 * den)) : y1;
}

/**
 * Track f0 with YIN: per frame the first lag τ ≥ ⌊sampleRate/fMax⌋ with d′(τ) < threshold,
 * followed down to its local minimum (else the global minimum), refined by a parabola through
 * d′ around it; confidence = 1 − d′(τ*).
 * @example const { f0Hz, confidence, times } = yin(audio, { sampleRate: 16000, frameRate: 250 })
 */
export function yin(x: Float64Array, opts: F0Options = {}): F0Track {
  const fn = 'yin';
  const o = readOptions(fn, opts, F0_KEYS);
  const { threshold = 0.15 } = o;
  checkPositive(fn, 'opts.threshold', threshold);
  const A = analysis(fn, x, o);
  const { tauMin, tauMax, nFrames, sampleRate } = A;
  const d = new Float64Array(tauMax + 2);
  const dn = new Float64Array(tauMax + 2);
  const f0Hz = new Float64Array(nFrames);
  const confidence = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    if (!A.frame(t, d, dn)) continue; // silence: f0 0, confidence 0
    let best = -1;
    for (let tau = tauMin; tau <= tauMax; tau++) {
      if (dn[tau] < threshold) {
        while (tau + 1 <= tauMax && dn[tau + 1] < dn[tau]) tau++;
        best = tau;
        break;
      }
    }
    if (best < 0) {
      best = tauMin;
      for (let tau = tauMin + 1; tau <= tauMax; tau++) if (dn[tau] < dn[best]) best = tau;
    }
    f0Hz[t] = sampleRate / (best + refine(best, d));
    confidence[t] = Math.min(1, Math.max(0, 1 - dn[best]));
  }
  return { f0Hz, confidence, times: A.times };
}

export interface PyinOptions extends PitchFrameOptions {
  /** Thresholds of the prior over YIN's threshold. Default 100. */
  nThresholds?: number;
  /** Beta distribution (a, b ≥ 1) over the thresholds in [0, 1]. Default [2, 18]. */
  betaParameters?: readonly [number, number];
  /** Boltzmann prior over the troughs below a threshold (larger favours shorter periods). Default 2. */
  boltzmannParameter?: number;
  /** Pitch-state width in semitones. Default 0.1. */
  resolution?: number;
  /** Fastest pitch change the HMM allows, in octaves per second. Default 35.92. */
  maxTransitionRate?: number;
  /** Probability of switching between voiced and unvoiced from one frame to the next. Default 0.01. */
  switchProb?: number;
  /** Probability added to the global minimum for thresholds no trough reaches. Default 0.01. */
  noTroughProb?: number;
  /**
   * f0 of unvoiced frames: 'zero' (default), 'nan', or 'nearest' (the nearest voiced frame's f0,
   * the earlier one on a tie — what a synthesizer conditioned on f0 wants). All unvoiced: zeros.
   */
  fill?: 'zero' | 'nan' | 'nearest';
}
const PYIN_KEYS = optionKeys<PyinOptions>()(...FRAME_KEYS, 'nThresholds', 'betaParameters', 'boltzmannParameter', 'resolution', 'maxTransitionRate', 'switchProb', 'noTroughProb', 'fill');

export interface PyinTrack {
  /** f0 per frame in Hz; unvoiced frames as `fill` says. */
  f0Hz: Float64Array;
  /** 1 where the decoded state is voiced. */
  voiced: Uint8Array;
  /** The probability that a frame is voiced: the sum of its candidates' probabilities, at most 1. */
  voicedProb: Float64Array;
  /** The time of each frame's centre in seconds. */
  times: Float64Array;
}

/**
 * Probabilistic YIN: for each frame, every trough of d′ gets the probability that YIN would pick
 * it, with the threshold drawn from a Beta prior and the troughs below a threshold weighted by a
 * Boltzmann prior on their order (plus `noTroughProb` on the global minimum for thresholds no
 * trough reaches). The candidates (parabola-refined) are binned at `resolution` semitones into an
 * HMM with a voiced and an unvoiced state per bin — triangular transitions up to
 * `maxTransitionRate`, voicing switches with `switchProb` — decoded by Viterbi. The voiced f0 of a
 * frame is its candidate in the decoded bin (exact, not rounded to the bin), or the bin's centre.
 * @example const { f0Hz, voiced, voicedProb, times } = pyin(audio, { sampleRate: 16000, frameRate: 250, fill: 'nearest' })
 */
export function pyin(x: Float64Array, opts: PyinOptions = {}): PyinTrack {
  const fn = 'pyin';
  const o = readOptions(fn, opts, PYIN_KEYS);
  const {
    nThresholds = 100, betaParameters = [2, 18], boltzmannParameter = 2, resolution = 0.1,
    maxTransitionRate = 35.92, switchProb = 0.01, noTroughProb = 0.01, fill = 'zero',
  } = o;
  checkInteger(fn, 'opts.nThresholds', nThresholds, 1);
  if (nThresholds > 10000) fail(fn, `opts.nThresholds must be at most 10000 (got ${nThresholds})`);
  if (!Array.isArray(betaParameters) || betaParameters.length !== 2 || !betaParameters.every((v) => typeof v === 'number' && v >= 1 && v <= 1e4)) {
    fail(fn, `opts.betaParameters must be [a, b] with 1 ≤ a, b ≤ 10000 (got ${JSON.stringify(betaParameters)})`);
  }
  checkPositive(fn, 'opts.boltzmannParameter', boltzmannParameter);
  checkPositive(fn, 'opts.resolution', resolution);
  if (resolution > 12) fail(fn, `opts.resolution must be at most 12 semitones (got ${resolution})`);
  checkPositive(fn, 'opts.maxTransitionRate', maxTransitionRate);
  for (const [k, v] of [['switchProb', switchProb], ['noTroughProb', noTroughProb]] as const) {
    if (typeof v !== 'number' || !(v > 0 && v < 1)) fail(fn, `opts.${k} must be in (0, 1) (got ${v})`);
  }
  checkOneOf(fn, 'opts.fill', fill, ['zero', 'nan', 'nearest']);
  const A = analysis(fn, x, o);
  const { tauMin, tauMax, nFrames, sampleRate, hop } = A;
  const fMin = o.fMin ?? 40;
  const fMax = o.fMax ?? 2100;

  // Priors: Beta over the thresholds k/n (k = 1…n); Boltzmann over trough order.
  const beta = betaIntervalProbs(nThresholds, betaParameters[0], betaParameters[1]);
  const betaCum = new Float64Array(nThresholds + 1); // betaCum[k] = Σ_{j<k} beta[j]
  for (let k = 0; k < nThresholds; k++) betaCum[k + 1] = betaCum[k] + beta[k];
  const lam = boltzmannParameter;
  const binsPerSemitone = Math.ceil(1 / resolution - 1e-9);
  const perOctave = 12 * binsPerSemitone;
  const nBins = Math.floor(perOctave * Math.log2(fMax / fMin)) + 1;
  if (nBins > 2 ** 20) fail(fn, `opts.resolution ${resolution} makes ${nBins} pitch states; use a coarser resolution`);

  // Per frame: candidates (bin, f0, probability), kept sparsely.
  const d = new Float64Array(tauMax + 2);
  const dn = new Float64Array(tauMax + 2);
  const troughs = new Int32Array(tauMax + 2);
  const probs = new Float64Array(tauMax + 2);
  const inSet = new Uint8Array(tauMax + 2);
  const heights = new Float64Array(tauMax + 2);
  const byHeight = new Int32Array(tauMax + 2);
  const candStart = new Int32Array(nFrames + 1);
  let candBin: number[] = [];
  let candF0: number[] = [];
  let candP: number[] = [];
  const voicedProb = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    candStart[t] = candBin.length;
    if (!A.frame(t, d, dn)) continue;
    // Troughs of d′ over [τmin, τmax]: strict local minima (the first lag counts if below its right neighbour).
    let nt = 0;
    for (let tau = tauMin; tau <= tauMax; tau++) {
      const leftOk = tau === tauMin ? true : dn[tau] < dn[tau - 1];
      if (leftOk && dn[tau] <= dn[tau + 1] && (tau !== tauMin || dn[tau] < dn[tau + 1])) troughs[nt++] = tau;
    }
    if (nt === 0) continue;
    let gmin = 0;
    for (let i = 0; i < nt; i++) heights[i] = troughHeight(troughs[i], dn);
    for (let i = 1; i < nt; i++) if (heights[i] < heights[gmin]) gmin = i;
    for (let i = 0; i < nt; i++) {
      probs[i] = 0;
      inSet[i] = 0;
      byHeight[i] = i;
    }
    // Thresholds ascending: the troughs below a threshold only grow, so walk the troughs in order of
    // height and give each run of thresholds with the same set its summed prior mass at once.
    // Insertion sort by height (a frame has tens of troughs; a comparator sort costs more).
    const hs = byHeight;
    for (let i = 1; i < nt; i++) {
      const v = hs[i];
      const h = heights[v];
      let j = i - 1;
      while (j >= 0 && heights[hs[j]] > h) {
        hs[j + 1] = hs[j];
        j--;
      }
      hs[j + 1] = v;
    }
    let noTrough = 0;
    let members = 0;
    for (let k = 0; k < nThresholds;) {
      const th = (k + 1) / nThresholds;
      while (members < nt && heights[hs[members]] < th) inSet[hs[members++]] = 1;
      // Thresholds k…k2−1 see the same set: up to the one the next trough's height falls below.
      let k2 = k + 1;
      const next = members < nt ? heights[hs[members]] : Infinity;
      while (k2 < nThresholds && !(next < (k2 + 1) / nThresholds)) k2++;
      const mass = betaCum[k2] - betaCum[k];
      k = k2;
      if (members === 0) {
        noTrough += mass;
        continue;
      }
      if (mass === 0) continue;
      const norm = (mass * (1 - Math.exp(-lam))) / (1 - Math.exp(-lam * members));
      let w = norm;
      const decay = Math.exp(-lam);
      for (let i = 0; i < nt; i++) {
        if (inSet[i]) {
          probs[i] += w;
          w *= decay;
        }
      }
    }
    probs[gmin] += noTroughProb * noTrough;
    let vp = 0;
    for (let i = 0; i < nt; i++) {
      if (!(probs[i] > 0)) continue;
      const tau = troughs[i];
      const f0 = sampleRate / (tau + refine(tau, d));
      const bin = Math.min(nBins - 1, Math.max(0, Math.round(perOctave * Math.log2(f0 / fMin))));
      candBin.push(bin);
      candF0.push(f0);
      candP.push(probs[i]);
      vp += probs[i];
    }
    voicedProb[t] = Math.min(1, vp);
  }
  candStart[nFrames] = candBin.length;

  // Viterbi over 2·nBins states: voiced bins are reachable only where the frame has a candidate.
  const maxStep = Math.round((maxTransitionRate * 12 * hop) / sampleRate) * binsPerSemitone;
  if (!(maxStep <= 16383)) fail(fn, `opts.maxTransitionRate ${maxTransitionRate} reaches ${maxStep} pitch states per frame, more than 16383; lower it or coarsen opts.resolution`);
  const width = 2 * maxStep + 1;
  // Triangular window, each sending row normalised over the bins it reaches (no wrap).
  const tri = new Float64Array(width);
  for (let k = 0; k < width; k++) tri[k] = 1 - Math.abs(k - maxStep) / (maxStep + 1);
  const rowNorm = new Float64Array(nBins);
  for (let i = 0; i < nBins; i++) {
    let s = 0;
    for (let j = Math.max(0, i - maxStep); j <= Math.min(nBins - 1, i + maxStep); j++) s += tri[j - i + maxStep];
    rowNorm[i] = Math.log(s);
  }
  const logTri = tri.map(Math.log);
  const w = new Float64Array(nBins);
  const bestU = new Float64Array(nBins);
  const argU = new Int32Array(nBins);
  // Row maxima by divide and conquer on the monotone argmax, with an explicit stack of
  // (rows bLo…bHi, columns pLo…pHi) ranges instead of recursion.
  const stack = new Int32Array(4 * 64);
  const bandMax = (): void => {
    let sp = 0;
    stack[0] = 0;
    stack[1] = nBins - 1;
    stack[2] = 0;
    stack[3] = nBins - 1;
    sp = 1;
    while (sp > 0) {
      sp--;
      const bLo = stack[4 * sp];
      const bHi = stack[4 * sp + 1];
      const pLo = stack[4 * sp + 2];
      const pHi = stack[4 * sp + 3];
      if (bLo > bHi) continue;
      const mid = (bLo + bHi) >> 1;
      let best = -Infinity;
      let arg = Math.max(pLo, mid - maxStep);
      const end = Math.min(pHi, mid + maxStep);
      for (let p = arg; p <= end; p++) {
        const v = w[p] + logTri[mid - p + maxStep];
        if (v > best) {
          best = v;
          arg = p;
        }
      }
      bestU[mid] = best;
      argU[mid] = arg;
      if (bLo <= mid - 1) {
        stack[4 * sp] = bLo;
        stack[4 * sp + 1] = mid - 1;
        stack[4 * sp + 2] = pLo;
        stack[4 * sp + 3] = arg;
        sp++;
      }
      if (mid + 1 <= bHi) {
        stack[4 * sp] = mid + 1;
        stack[4 * sp + 1] = bHi;
        stack[4 * sp + 2] = arg;
        stack[4 * sp + 3] = pHi;
        sp++;
      }
    }
  };

  const logStay = Math.log(1 - switchProb);
  const logSwitch = Math.log(switchProb);
  // Scores: unvoiced states (dense) and voiced states (sparse, the frame's candidate bins).
  // p_init: half the mass on each voicing, uniform over the bins (librosa starts unvoiced, which
  // leaves frame 0 unvoiced whatever it holds).
  const logInit = Math.log(0.5 / nBins);
  let uv = new Float64Array(nBins).fill(logInit);
  let uvNext = new Float64Array(nBins);
  // Frame 0 observations.
  const obsUv = (t: number) => Math.log(Math.max(1e-300, (1 - voicedProb[t]) / nBins));
  for (let b = 0; b < nBins; b++) uv[b] += obsUv(0);
  // Each frame's voiced states: its candidates, one per bin (candidates sharing a bin add their
  // probabilities), bins ascending — flat over all frames. Candidates come in trough order
  // (period ascending, so bin descending), and those sharing a bin are neighbours.
  const mStart = new Int32Array(nFrames + 1);
  const mBin = new Int32Array(candBin.length);
  const mLogP = new Float64Array(candBin.length);
  let M = 0;
  for (let t = 0; t < nFrames; t++) {
    mStart[t] = M;
    let p = 0;
    for (let i = candStart[t + 1] - 1; i >= candStart[t]; i--) {
      p += candP[i];
      if (i === candStart[t] || candBin[i - 1] !== candBin[i]) {
        mBin[M] = candBin[i];
        mLogP[M++] = Math.log(p);
        p = 0;
      }
    }
  }
  mStart[nFrames] = M;
  // Scores of the voiced states (flat) and their back-pointers: an unvoiced predecessor as its
  // bin (≥ 0), a voiced one as −1 − its index among the previous frame's voiced states.
  const vS = new Float64Array(M);
  const backV = new Int32Array(M);
  for (let j = mStart[0]; j < mStart[1]; j++) vS[j] = logInit + mLogP[j];
  // Back-pointers of unvoiced state b at frame t: an unvoiced predecessor p as p − b + maxStep
  // (0…width−1), a voiced one as −1 − its index among the previous frame's voiced states.
  const backUv = new Int16Array(nFrames * nBins);
  for (let t = 1; t < nFrames; t++) {
    const v0 = mStart[t - 1];
    const v1 = mStart[t];
    // Unvoiced state b: from unvoiced b' (stay) or voiced b' (switch), |b − b'| ≤ maxStep.
    const ou = obsUv(t);
    // Unvoiced → unvoiced: bestU[b] = max_p w[p] + logTri[b − p + maxStep] with w = uv − (the
    // sending row's log normaliser). The kernel is concave (the log of a triangle, −∞ beyond
    // the band), so the matrix w[p] + g(b − p) is Monge and the leftmost maximising p never
    // decreases with b: divide and conquer finds every row's maximum exactly in O(n log n).
    for (let p = 0; p < nBins; p++) w[p] = uv[p] - rowNorm[p];
    bandMax();
    let vLo = v0; // first previous voiced state with bin ≥ b − maxStep (bins ascend)
    const row = t * nBins;
    for (let b = 0; b < nBins; b++) {
      let best = bestU[b] + logStay;
      let arg = argU[b] - b + maxStep;
      const lo = b - maxStep;
      const hi = b + maxStep;
      while (vLo < v1 && mBin[vLo] < lo) vLo++;
      for (let i = vLo; i < v1 && mBin[i] <= hi; i++) {
        const p = mBin[i];
        const sc = vS[i] + logSwitch + logTri[b - p + maxStep] - rowNorm[p];
        if (sc > best) {
          best = sc;
          arg = -1 - (i - v0);
        }
      }
      uvNext[b] = best + ou;
      backUv[row + b] = arg;
    }
    // Voiced states: from unvoiced (the band maximum found above, plus the switch) or voiced (stay).
    let iLo = v0; // first previous voiced state with bin ≥ b − maxStep (both lists ascend)
    for (let j = v1; j < mStart[t + 1]; j++) {
      const b = mBin[j];
      let best = bestU[b] + logSwitch;
      let arg = argU[b];
      while (iLo < v1 && mBin[iLo] < b - maxStep) iLo++;
      for (let i = iLo; i < v1; i++) {
        const p = mBin[i];
        if (p > b + maxStep) break;
        const sc = vS[i] + logStay + logTri[b - p + maxStep] - rowNorm[p];
        if (sc > best) {
          best = sc;
          arg = -1 - (i - v0);
        }
      }
      vS[j] = best + mLogP[j];
      backV[j] = arg;
    }
    [uv, uvNext] = [uvNext, uv];
  }
  // Trace back from the best final state.
  const voiced = new Uint8Array(nFrames);
  const stateBin = new Int32Array(nFrames);
  if (nFrames > 0) {
    let isVoiced = false;
    let idx = 0;
    let best = -Infinity;
    for (let b = 0; b < nBins; b++) if (uv[b] > best) {
      best = uv[b];
      idx = b;
    }
    for (let j = mStart[nFrames - 1]; j < mStart[nFrames]; j++) if (vS[j] > best) {
      best = vS[j];
      idx = j - mStart[nFrames - 1];
      isVoiced = true;
    }
    for (let t = nFrames - 1; t >= 0; t--) {
      let arg = isVoiced ? backV[mStart[t] + idx] : backUv[t * nBins + idx];
      if (!isVoiced && arg >= 0) arg += idx - maxStep;
      if (isVoiced) {
        voiced[t] = 1;
        stateBin[t] = mBin[mStart[t] + idx];
      } else stateBin[t] = idx;
      if (t === 0) break;
      if (arg < 0) {
        isVoiced = true;
        idx = -1 - arg;
      } else {
        isVoiced = false;
        idx = arg;
      }
    }
  }
  // f0: the most probable candidate of the decoded bin, at its exact (parabola-refined) value.
  const f0Hz = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    if (!voiced[t]) continue;
    let bestP = -1;
    let f = fMin * 2 ** (stateBin[t] / perOctave);
    for (let i = candStart[t]; i < candStart[t + 1]; i++) {
      if (candBin[i] === stateBin[t] && candP[i] > bestP) {
        bestP = candP[i];
        f = candF0[i];
      }
    }
    f0Hz[t] = f;
  }
  candBin = candF0 = candP = [];
  if (fill === 'nan') {
    for (let t = 0; t < nFrames; t++) if (!voiced[t]) f0Hz[t] = NaN;
  } else if (fill === 'nearest') fillNearest(f0Hz, voiced);
  return { f0Hz, voiced, voicedProb, times: A.times };
}

/** Unvoiced frames take the nearest voiced frame's value (the earlier on a tie); in place. */
function fillNearest(f: Float64Array, voiced: Uint8Array): void {
  const n = f.length;
  const prev = new Int32Array(n);
  let last = -1;
  for (let t = 0; t < n; t++) {
    if (voiced[t]) last = t;
    prev[t] = last;
  }
  let next = -1;
  for (let t = n - 1; t >= 0; t--) {
    if (voiced[t]) {
      next = t;
      continue;
    }
    const p = prev[t];
    if (p < 0 && next < 0) continue;
    f[t] = p < 0 ? f[next] : next < 0 ? f[p] : t - p <= next - t ? f[p] : f[next];
  }
}
