/**
 * Spectra on the GPU (internal; `ddsp/gpu` exposes them): framed, windowed DFTs of real audio as a
 * four-step transform. For n = n1·n2 (powers of two, n1 ≤ n2), t = n2·t1 + t2 and k = k1 + n1·k2:
 *   Y[k1, t2] = e^{∓2πi·t2·k1/n} · Σ_{t1} x[n2·t1 + t2]·e^{∓2πi·t1·k1/n1}      (kernel 1)
 *   X[k1 + n1·k2] = Σ_{t2} Y[k1, t2]·e^{∓2πi·t2·k2/n2}                         (kernel 2)
 * Two kernel launches per transform, n·(n1 + n2) complex products per frame (2048: 32 + 64 per
 * output) — each thread a short direct sum, with no per-stage passes, and all twiddles from
 * float64 tables (the GPU's own sin/cos are not accurate to float32 on every device).
 * The loss's VJP runs the same two steps with the opposite sign (the adjoint of the real DFT),
 * then overlap-adds the windowed frame cotangents onto the samples.
 */
import type { StftGeometry } from '../spectral/stft.ts';
import type { Buf, Device } from './device.ts';
import { kernelSource } from './device.ts';

export interface DftPlan {
  g: StftGeometry;
  n: number;
  n1: number;
  n2: number;
  /** cos/sin(2π·a·b/n1), [n1, n1, 2]. */
  t1: Float32Array;
  /** cos/sin(2π·k1·t2/n), [n1, n2, 2]. */
  t2: Float32Array;
  /** cos/sin(2π·a·b/n2), [n2, n2, 2]. */
  t3: Float32Array;
  /** The window, frameSize values. */
  win: Float32Array;
}

const tables = new Map<number, Pick<DftPlan, 'n1' | 'n2' | 't1' | 't2' | 't3'>>();

function twiddles(rows: number, cols: number, period: number): Float32Array {
  const t = new Float32Array(rows * cols * 2);
  for (let a = 0; a < rows; a++) {
    for (let b = 0; b < cols; b++) {
      const m = (a * b) % period;
      const th = (2 * Math.PI * m) / period;
      t[(a * cols + b) * 2] = Math.cos(th);
      t[(a * cols + b) * 2 + 1] = Math.sin(th);
    }
  }
  return t;
}

export function dftPlan(g: StftGeometry): DftPlan {
  const n = g.fftSize;
  let tb = tables.get(n);
  if (tb === undefined) {
    const L = Math.round(Math.log2(n));
    const n1 = 2 ** Math.floor(L / 2);
    const n2 = n / n1;
    tb = { n1, n2, t1: twiddles(n1, n1, n1), t2: twiddles(n1, n2, n), t3: twiddles(n2, n2, n2) };
    if (tables.size > 24) tables.clear();
    tables.set(n, tb);
  }
  return { g, n, ...tb, win: Float32Array.from(g.window) };
}


/**
 * Kernel 1, forward: audio [B, N] → Y[B·nFrames, k1, t2, re|im], windowed frames read straight
 * from each example's samples.
 */
const fwd1 = kernelSource(`function fwd1(x, w, t1, t2) {
  const i = this.thread.x;
  const p = idiv(i, 2);
  const c = i - 2 * p;
  const fa = idiv(p, this.constants.n);
  const r = p - fa * this.constants.n;
  const k1 = idiv(r, this.constants.n2);
  const tt = r - k1 * this.constants.n2;
  const b = idiv(fa, this.constants.nFrames);
  const s0 = (fa - b * this.constants.nFrames) * this.constants.hop - this.constants.padLeft;
  const xo = b * this.constants.N;
  let ar = 0;
  let ai = 0;
  for (let a = 0; a < this.constants.n1; a++) {
    const t = this.constants.n2 * a + tt;
    const s = s0 + t;
    if (t < this.constants.frameSize && s >= 0 && s < this.constants.N) {
      const v = x[xo + s] * w[t];
      const q = (a * this.constants.n1 + k1) * 2;
      ar += v * t1[q];
      ai -= v * t1[q + 1];
    }
  }
  const q2 = (k1 * this.constants.n2 + tt) * 2;
  const co = t2[q2];
  const si = t2[q2 + 1];
  if (c < 0.5) return ar * co + ai * si;
  return ai * co - ar * si;
}`);


/** Kernel 2, forward: Y → X[f, k, re|im] for the bins k ≤ n/2. */
const fwd2 = kernelSource(`function fwd2(y, t3) {
  const i = this.thread.x;
  const p = idiv(i, 2);
  const c = i - 2 * p;
  const f = idiv(p, this.constants.bins);
  const k = p - f * this.constants.bins;
  const k2 = idiv(k, this.constants.n1);
  const k1 = k - k2 * this.constants.n1;
  const base = (f * this.constants.n1 + k1) * this.constants.n2 * 2;
  let re = 0;
  let im = 0;
  for (let b = 0; b < this.constants.n2; b++) {
    const yr = y[base + 2 * b];
    const yi = y[base + 2 * b + 1];
    const q = (b * this.constants.n2 + k2) * 2;
    const co = t3[q];
    const si = t3[q + 1];
    re += yr * co + yi * si;
    im += yi * co - yr * si;
  }
  if (c < 0.5) return re;
  return im;
}`);


/** |X| per bin: [f, k]. */
const magnitude = kernelSource(`function magnitude(X) {
  const i = this.thread.x;
  const re = X[2 * i];
  const im = X[2 * i + 1];
  return Math.sqrt(re * re + im * im);
}`);


/**
 * The cotangent spectrum of the loss: G[f, k] = dL/d|X|·X/|X| with the mag and log-mag terms
 * (weights already divided by the number of values), L1 or L2, log(S + eps) or safe log.
 */
const lossGradSpec = kernelSource(`function lossGradSpec(X, mt) {
  const i = this.thread.x;
  const p = idiv(i, 2);
  const c = i - 2 * p;
  const re = X[2 * p];
  const im = X[2 * p + 1];
  const m = Math.sqrt(re * re + im * im);
  const tm = mt[p];
  const d = m - tm;
  let g = 0;
  if (this.constants.l1 > 0.5) {
    if (d > 0) g = this.constants.wMag;
    if (d < 0) g = -this.constants.wMag;
  } else {
    g = 2 * this.constants.wMag * d;
  }
  if (this.constants.wLog > 0) {
    let lv = this.constants.logEps;
    let lt = this.constants.logEps;
    let dl = 0;
    if (this.constants.offset > 0.5) {
      lv = Math.log(m + this.constants.eps);
      lt = Math.log(tm + this.constants.eps);
      dl = 1 / (m + this.constants.eps);
    } else {
      if (m > 0) {
        lv = Math.log(m);
        dl = 1 / m;
      }
      if (tm > 0) lt = Math.log(tm);
    }
    const e = lv - lt;
    if (this.constants.l1 > 0.5) {
      if (e > 0) g += this.constants.wLog * dl;
      if (e < 0) g -= this.constants.wLog * dl;
    } else {
      g += 2 * this.constants.wLog * e * dl;
    }
  }
  let u = 0;
  if (m > 0) u = 1 / m;
  if (c < 0.5) return g * re * u;
  return g * im * u;
}`);

/** The loss of one frame: Σ_k of the weighted terms. */
const frameLoss = kernelSource(`function frameLoss(X, mt) {
  const f = this.thread.x;
  let acc = 0;
  for (let k = 0; k < this.constants.bins; k++) {
    const p = f * this.constants.bins + k;
    const re = X[2 * p];
    const im = X[2 * p + 1];
    const m = Math.sqrt(re * re + im * im);
    const tm = mt[p];
    const d = m - tm;
    if (this.constants.l1 > 0.5) acc += this.constants.wMag * Math.abs(d);
    else acc += this.constants.wMag * d * d;
    if (this.constants.wLog > 0) {
      let lv = this.constants.logEps;
      let lt = this.constants.logEps;
      if (this.constants.offset > 0.5) {
        lv = Math.log(m + this.constants.eps);
        lt = Math.log(tm + this.constants.eps);
      } else {
        if (m > 0) lv = Math.log(m);
        if (tm > 0) lt = Math.log(tm);
      }
      const e = lv - lt;
      if (this.constants.l1 > 0.5) acc += this.constants.wLog * Math.abs(e);
      else acc += this.constants.wLog * e * e;
    }
  }
  return acc;
}`);


/**
 * Kernel 1, adjoint: the cotangent spectrum G[f, k] (k ≤ n/2, zero above) → Y[f, u1, v2] with the
 * + sign: Y[u1, v2] = e^{+2πi·v2·u1/n}·Σ_{v1} G[n2·v1 + v2]·e^{+2πi·v1·u1/n1}.
 */
const inv1 = kernelSource(`function inv1(G, t1, t2) {
  const i = this.thread.x;
  const p = idiv(i, 2);
  const c = i - 2 * p;
  const f = idiv(p, this.constants.n);
  const r = p - f * this.constants.n;
  const u1 = idiv(r, this.constants.n2);
  const v2 = r - u1 * this.constants.n2;
  let ar = 0;
  let ai = 0;
  for (let a = 0; a < this.constants.n1; a++) {
    const v = this.constants.n2 * a + v2;
    if (v < this.constants.bins) {
      const gr = G[(f * this.constants.bins + v) * 2];
      const gi = G[(f * this.constants.bins + v) * 2 + 1];
      const q = (a * this.constants.n1 + u1) * 2;
      const co = t1[q];
      const si = t1[q + 1];
      ar += gr * co - gi * si;
      ai += gi * co + gr * si;
    }
  }
  const q2 = (u1 * this.constants.n2 + v2) * 2;
  const co2 = t2[q2];
  const si2 = t2[q2 + 1];
  if (c < 0.5) return ar * co2 - ai * si2;
  return ai * co2 + ar * si2;
}`);

/** Kernel 2, adjoint: the real part z[f, u1 + n1·u2] = Re Σ_{v2} Y[u1, v2]·e^{+2πi·v2·u2/n2}. */
const inv2 = kernelSource(`function inv2(y, t3) {
  const p = this.thread.x;
  const f = idiv(p, this.constants.n);
  const u = p - f * this.constants.n;
  const u2 = idiv(u, this.constants.n1);
  const u1 = u - u2 * this.constants.n1;
  const base = (f * this.constants.n1 + u1) * this.constants.n2 * 2;
  let re = 0;
  for (let b = 0; b < this.constants.n2; b++) {
    const q = (b * this.constants.n2 + u2) * 2;
    re += y[base + 2 * b] * t3[q] - y[base + 2 * b + 1] * t3[q + 1];
  }
  return re;
}`);


/** Overlap-add of windowed frame cotangents onto the samples, plus an accumulator (other scales). */
const overlapAdd = kernelSource(`function overlapAdd(z, w, acc) {
  const i = this.thread.x;
  const b = idiv(i, this.constants.N);
  const sp = i - b * this.constants.N + this.constants.padLeft;
  const fHi = Math.min(idiv(sp, this.constants.hop), this.constants.nFrames - 1);
  let sum = acc[i];
  for (let j = 0; j < this.constants.cover; j++) {
    const f = fHi - j;
    const t = sp - f * this.constants.hop;
    if (f >= 0 && t < this.constants.frameSize) sum += w[t] * z[(b * this.constants.nFrames + f) * this.constants.n + t];
  }
  return sum;
}`);

/** The complex spectra X [B, nFrames, bins, 2] of audio `x` ([B, N] samples) under plan `d`. */
export async function spectra(dev: Device, d: DftPlan, x: Buf, N: number, B = 1): Promise<Buf> {
  const { g, n, n1, n2 } = d;
  const k1 = dev.kernel('fwd1', fwd1, B * g.nFrames * n * 2, { n, n1, n2, hop: g.hop, padLeft: g.padLeft, frameSize: g.frameSize, N, nFrames: g.nFrames });
  const y = await dev.run(k1, x, d.win, d.t1, d.t2);
  const k2 = dev.kernel('fwd2', fwd2, B * g.nFrames * g.bins * 2, { n1, n2, bins: g.bins });
  const X = await dev.run(k2, y, d.t3);
  dev.free(y);
  return X;
}

/** |X| [B, nFrames, bins] of complex spectra. */
export async function magnitudes(dev: Device, d: DftPlan, X: Buf, B = 1): Promise<Buf> {
  const k = dev.kernel('mag', magnitude, B * d.g.nFrames * d.g.bins, { bins: d.g.bins });
  return dev.run(k, X);
}

export interface LossTerms {
  wMag: number;
  wLog: number;
  l1: boolean;
  offset: boolean;
  eps: number;
}

function lossConstants(d: DftPlan, t: LossTerms): Record<string, number> {
  const count = d.g.nFrames * d.g.bins;
  return { bins: d.g.bins, wMag: t.wMag / count, wLog: t.wLog / count, l1: t.l1 ? 1 : 0, offset: t.offset ? 1 : 0, eps: t.eps, logEps: Math.log(t.eps) };
}

/** Per-frame loss values [B, nFrames] of spectra X against the target magnitudes (each example's mean). */
export async function frameLosses(dev: Device, d: DftPlan, X: Buf, targetMag: Buf, t: LossTerms, B = 1): Promise<Buf> {
  const k = dev.kernel('frameLoss', frameLoss, B * d.g.nFrames, lossConstants(d, t));
  return dev.run(k, X, targetMag);
}

/** Each example's loss gradient with respect to its audio, added to `acc` ([B, N] samples). */
export async function lossGrad(dev: Device, d: DftPlan, X: Buf, targetMag: Buf, t: LossTerms, acc: Buf, N: number, B = 1): Promise<Buf> {
  const { g, n, n1, n2 } = d;
  const F = B * g.nFrames;
  const kg = dev.kernel('lossGradSpec', lossGradSpec, F * g.bins * 2, lossConstants(d, t));
  const G = await dev.run(kg, X, targetMag);
  const y = await dev.run(dev.kernel('inv1', inv1, F * n * 2, { n, n1, n2, bins: g.bins }), G, d.t1, d.t2);
  dev.free(G);
  const z = await dev.run(dev.kernel('inv2', inv2, F * n, { n, n1, n2, bins: g.bins }), y, d.t3);
  dev.free(y);
  const cover = Math.ceil(g.frameSize / g.hop);
  const ko = dev.kernel('overlapAdd', overlapAdd, B * N, { n, hop: g.hop, padLeft: g.padLeft, frameSize: g.frameSize, nFrames: g.nFrames, cover, N });
  const out = await dev.run(ko, z, d.win, acc);
  dev.free(z);
  return out;
}


/**
 * P[f, k] = A[f, k]·(conj?)H[(f if perExample), k], times irfft's weight (1/n at k = 0 and n/2,
 * 2/n between) when `scaled`, so that inv1/inv2 of P is the real inverse DFT.
 */
const mulSpec = kernelSource(`function mulSpec(A, H) {
  const i = this.thread.x;
  const p = idiv(i, 2);
  const c = i - 2 * p;
  const f = idiv(p, this.constants.bins);
  const k = p - f * this.constants.bins;
  let q = k;
  if (this.constants.perExample > 0.5) q = p;
  const ar = A[2 * p];
  const ai = A[2 * p + 1];
  const hr = H[2 * q];
  let hi = H[2 * q + 1];
  if (this.constants.conj > 0.5) hi = -hi;
  let w = 1;
  if (this.constants.scaled > 0.5) {
    w = 2 / this.constants.n;
    if (k < 0.5 || k > this.constants.bins - 1.5) w = 1 / this.constants.n;
  }
  if (c < 0.5) return w * (ar * hr - ai * hi);
  return w * (ar * hi + ai * hr);
}`);


/** Σ_f conj(A[f, k])·G[f, k], with irfft's weights: the spectrum of a batch-summed correlation. */
const corrSpecSum = kernelSource(`function corrSpecSum(A, G) {
  const i = this.thread.x;
  const k = idiv(i, 2);
  const c = i - 2 * k;
  let re = 0;
  let im = 0;
  for (let f = 0; f < this.constants.B; f++) {
    const p = f * this.constants.bins + k;
    const ar = A[2 * p];
    const ai = A[2 * p + 1];
    const gr = G[2 * p];
    const gi = G[2 * p + 1];
    re += ar * gr + ai * gi;
    im += ar * gi - ai * gr;
  }
  let w = 2 / this.constants.n;
  if (k < 0.5 || k > this.constants.bins - 1.5) w = 1 / this.constants.n;
  if (c < 0.5) return w * re;
  return w * im;
}`);


/** y[b, t] = x[b, t] + z[b, t] for t < N (z has n values per example). */
const addPrefix = kernelSource(`function addPrefix(x, z) {
  const i = this.thread.x;
  const b = idiv(i, this.constants.N);
  const t = i - b * this.constants.N;
  return x[i] + z[b * this.constants.n + t];
}`);

/** One-frame rectangular-window plan: the real DFT of `len` samples zero-padded to n. */
export function wholePlan(len: number, n: number): DftPlan {
  return dftPlan({ frameSize: len, hop: len, fftSize: n, bins: n / 2 + 1, nFrames: 1, padLeft: 0, window: new Float64Array(len).fill(1) });
}

/** The real inverse DFT of weighted spectra P [F, bins] → z [F, n]. */
async function inverse(dev: Device, d: DftPlan, P: Buf, F: number): Promise<Buf> {
  const { n, n1, n2 } = d;
  const bins = n / 2 + 1;
  const y = await dev.run(dev.kernel('inv1', inv1, F * n * 2, { n, n1, n2, bins }), P, d.t1, d.t2);
  const z = await dev.run(dev.kernel('inv2', inv2, F * n, { n, n1, n2, bins }), y, d.t3);
  dev.free(y);
  return z;
}

export interface ReverbPlan {
  B: number;
  N: number;
  L: number;
  n: number;
  /** Plans for the audio (N samples) and for the IR (L taps), both to n points. */
  da: DftPlan;
  dm: DftPlan;
}

export function reverbPlan(B: number, N: number, L: number): ReverbPlan {
  let n = 2;
  while (n < N + L - 1) n *= 2;
  return { B, N, L, n, da: wholePlan(N, n), dm: wholePlan(L, n) };
}

/**
 * DDSP's reverb for every example: y = x + (x ∗ m)[0, N) with one IR m (m[0] already zeroed), as
 * products of real DFTs. Returns y and the spectra the VJP needs (free them with the result).
 */
export async function reverbForward(dev: Device, p: ReverbPlan, x: Buf, m: Float32Array): Promise<{ y: Buf; X: Buf; M: Buf }> {
  const bins = p.n / 2 + 1;
  const X = await spectra(dev, p.da, x, p.N, p.B);
  const M = await spectra(dev, p.dm, m, p.L, 1);
  const P = await dev.run(dev.kernel('mulSpec', mulSpec, p.B * bins * 2, { bins, perExample: 0, conj: 0, n: p.n, scaled: 1 }), X, M);
  const z = await inverse(dev, p.da, P, p.B);
  dev.free(P);
  const y = await dev.run(dev.kernel('addPrefix', addPrefix, p.B * p.N, { N: p.N, n: p.n }), x, z);
  dev.free(z);
  return { y, X, M };
}

/** The reverb's VJP: the input's cotangent [B, N] on the device, and the IR's (Σ over the batch) read back. */
export async function reverbBackward(dev: Device, p: ReverbPlan, gy: Buf, X: Buf, M: Buf): Promise<{ gx: Buf; gm: Float32Array }> {
  const bins = p.n / 2 + 1;
  const G = await spectra(dev, p.da, gy, p.N, p.B);
  const Pg = await dev.run(dev.kernel('mulSpec', mulSpec, p.B * bins * 2, { bins, perExample: 0, conj: 1, n: p.n, scaled: 1 }), G, M);
  const zx = await inverse(dev, p.da, Pg, p.B);
  dev.free(Pg);
  const gx = await dev.run(dev.kernel('addPrefix', addPrefix, p.B * p.N, { N: p.N, n: p.n }), gy, zx);
  dev.free(zx);
  const S = await dev.run(dev.kernel('corrSpecSum', corrSpecSum, bins * 2, { bins, B: p.B, n: p.n }), X, G);
  dev.free(G);
  const zm = await inverse(dev, p.da, S, 1);
  dev.free(S);
  const all = await dev.read(zm);
  dev.free(zm);
  const gm = all.slice(0, p.L);
  gm[0] = 0;
  return { gx, gm };
}
