/**
 * Dense layers and Keras' GRU on the GPU (internal; `ddsp/gpu` exposes them), float32, with the
 * CPU layers' semantics (src/nn/dense.ts, src/nn/gru.ts: reset_after=True, gates z | r | h).
 *
 * GEMM is one kernel with strides, so transposed operands cost nothing extra:
 *   C[m, n] = Σ_k A[m·am + k·ak]·B[k·bk + (n + bo)·bn] (+ bias[n]).
 * The GRU's forward pass is one GEMM for every frame's input projection gˣ = X·W + bˣ, then one
 * kernel per time step (each thread one unit of one example: three length-u dot products with U
 * and the gates). Its VJP runs back through time with three kernels per step — the recurrent
 * projection gʰ = h_{t−1}·U + bʰ, the gates' cotangents [z̄, r̄, n̄ | z̄, r̄, n̄⊙r] (6u per row, the
 * input and the recurrent halves side by side) and the carry d⊙z + Ḡʰ_t·Uᵀ — recomputing z, r, n
 * from gʰ instead of storing them; then one GEMM each for W̄, Ū, X̄ and one column sum for the
 * biases over all B·T rows. Per-step results are gathered into one buffer by a tree of 7-way
 * copies (device.ts `stack`), so nothing per step goes back to the CPU.
 */
import type { Buf, Device } from './device.ts';
import { kernelSource } from './device.ts';
import { stack } from './device.ts';


const gemmKernel = kernelSource(`function gemmKernel(A, B, bias) {
  const i = this.thread.x;
  const m = idiv(i, this.constants.N);
  const n = i - m * this.constants.N;
  let s = 0;
  if (this.constants.hasBias > 0.5) s = bias[n];
  const col = (n + this.constants.bo) * this.constants.bn;
  for (let k = 0; k < this.constants.K; k++) s += A[m * this.constants.am + k * this.constants.ak] * B[k * this.constants.bk + col];
  return s;
}`);

export interface GemmLayout {
  /** Rows and columns of the result, and the inner dimension. */
  M: number;
  N: number;
  K: number;
  /** A's strides along m and k. */
  am: number;
  ak: number;
  /** B's strides along k and n, and a column offset. */
  bk: number;
  bn: number;
  bo?: number;
}

const NO_BIAS = new Float32Array(1);

/** C = A·B (+ bias) with the strides of `l`, [M, N] row-major on the device. */
export function gemm(dev: Device, A: Buf, B: Buf, l: GemmLayout, bias?: Buf): Promise<Buf> {
  const k = dev.kernel('gemm', gemmKernel, l.M * l.N, { K: l.K, N: l.N, am: l.am, ak: l.ak, bk: l.bk, bn: l.bn, bo: l.bo ?? 0, hasBias: bias ? 1 : 0 });
  return dev.run(k, A, B, bias ?? NO_BIAS);
}


/** Column sums of a [rows, stride] matrix's first N columns. */
const colSum = kernelSource(`function colSum(A) {
  const n = this.thread.x;
  let s = 0;
  for (let r = 0; r < this.constants.rows; r++) s += A[r * this.constants.stride + n];
  return s;
}`);

export function columnSums(dev: Device, A: Buf, rows: number, N: number, stride: number): Promise<Buf> {
  return dev.run(dev.kernel('colSum', colSum, N, { N, rows, stride }), A);
}


const sigm = kernelSource(`function sigm(v) {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}`);

const tanhs = kernelSource(`function tanhs(v) {
  const e = Math.exp(-2 * Math.abs(v));
  const r = (1 - e) / (1 + e);
  if (v < 0) return -r;
  return r;
}`);

const ACT = [sigm, tanhs];

/** h_t[b, j] from gˣ (all frames), h_{t−1}, U and bʰ. */
const gruStepKernel = kernelSource(`function gruStepKernel(gx, h, U, bh, step) {
  const i = this.thread.x;
  const u = this.constants.u;
  const b = idiv(i, u);
  const j = i - b * u;
  let az = bh[j];
  let ar = bh[u + j];
  let an = bh[2 * u + j];
  for (let k = 0; k < u; k++) {
    const hv = h[b * u + k];
    az += hv * U[k * 3 * u + j];
    ar += hv * U[k * 3 * u + u + j];
    an += hv * U[k * 3 * u + 2 * u + j];
  }
  const xo = (b * this.constants.T + step) * 3 * u;
  const z = sigm(gx[xo + j] + az);
  const r = sigm(gx[xo + u + j] + ar);
  const n = tanhs(gx[xo + 2 * u + j] + r * an);
  return z * h[b * u + j] + (1 - z) * n;
}`);


/** Gate cotangents of step t, [B, 6u]: z̄, r̄, n̄ (input side), z̄, r̄, n̄⊙r (recurrent side). */
const gruGateGrad = kernelSource(`function gruGateGrad(gx, gh, h, carry, gs, step) {
  const i = this.thread.x;
  const u = this.constants.u;
  const b = idiv(i, (6 * u));
  const c = i - b * 6 * u;
  const part = idiv(c, u);
  const j = c - part * u;
  const xo = (b * this.constants.T + step) * 3 * u;
  const ho = b * 3 * u;
  const z = sigm(gx[xo + j] + gh[ho + j]);
  const r = sigm(gx[xo + u + j] + gh[ho + u + j]);
  const ghn = gh[ho + 2 * u + j];
  const n = tanhs(gx[xo + 2 * u + j] + r * ghn);
  let d = carry[b * u + j];
  if (this.constants.hasSeq > 0.5) d += gs[(b * this.constants.T + step) * u + j];
  const dn = d * (1 - z) * (1 - n * n);
  let v = 0;
  if (part < 0.5 || (part > 2.5 && part < 3.5)) v = d * (h[b * u + j] - n) * z * (1 - z);
  if ((part > 0.5 && part < 1.5) || (part > 3.5 && part < 4.5)) v = dn * ghn * r * (1 - r);
  if (part > 1.5 && part < 2.5) v = dn;
  if (part > 4.5) v = dn * r;
  return v;
}`);

/** The carry to step t − 1: d⊙z + Ḡʰ_t·Uᵀ. */
const gruCarry = kernelSource(`function gruCarry(gx, gh, carry, gs, dG, U, step) {
  const i = this.thread.x;
  const u = this.constants.u;
  const b = idiv(i, u);
  const j = i - b * u;
  const xo = (b * this.constants.T + step) * 3 * u;
  const z = sigm(gx[xo + j] + gh[b * 3 * u + j]);
  let d = carry[i];
  if (this.constants.hasSeq > 0.5) d += gs[(b * this.constants.T + step) * u + j];
  let s = d * z;
  for (let k = 0; k < 3 * u; k++) s += dG[b * 6 * u + 3 * u + k] * U[j * 3 * u + k];
  return s;
}`);


/**
 * Time-major [T, B, c] → batch-major [B, T, c]; with shift = 1 the result is the previous step's
 * row (row t = source row t − 1, row 0 from `first` [B, c]).
 */
const toBatchMajor = kernelSource(`function toBatchMajor(src, first) {
  const i = this.thread.x;
  const c = this.constants.c;
  const row = idiv(i, c);
  const k = i - row * c;
  const b = idiv(row, this.constants.T);
  const t = row - b * this.constants.T - this.constants.shift;
  if (t < 0) return first[b * c + k];
  return src[(t * this.constants.B + b) * c + k];
}`);

function batchMajor(dev: Device, src: Buf, B: number, T: number, c: number, shift: number, first: Buf): Promise<Buf> {
  return dev.run(dev.kernel('toBatchMajor', toBatchMajor, B * T * c, { B, T, c, shift }), src, first);
}

export interface GruShape {
  B: number;
  T: number;
  /** Input channels. */
  I: number;
  u: number;
}

export interface GruDevWeights {
  W: Float32Array;
  U: Float32Array;
  /** bˣ then bʰ, 6u values. */
  bias: Float32Array;
}

/**
 * The whole sequence [B, T, u] and the last state [B, u], on the device. With `keep`, the
 * per-step states come back too (for gruBackward, which otherwise recomputes them).
 */
export async function gruForward(dev: Device, s: GruShape, x: Buf, w: GruDevWeights, h0: Buf, keep = false): Promise<{ seq: Buf; last: Buf; states?: Buf[] }> {
  const { B, T, I, u } = s;
  const bx = w.bias.subarray(0, 3 * u);
  const bh = w.bias.slice(3 * u);
  const gx = await gemm(dev, x, w.W, { M: B * T, N: 3 * u, K: I, am: I, ak: 1, bk: 3 * u, bn: 1 }, bx.slice());
  const hs: Buf[] = [];
  let h = h0;
  for (let t = 0; t < T; t++) {
    h = await dev.run(dev.kernel('gruStep', gruStepKernel, B * u, { u, T, B }, ACT), gx, h, w.U, bh, t);
    hs.push(h);
  }
  dev.free(gx);
  const tm = await stack(dev, hs, B * u);
  const seq = await batchMajor(dev, tm, B, T, u, 0, h0);
  dev.free(tm);
  const last = hs[T - 1];
  if (keep) return { seq, last, states: hs };
  dev.free(...hs.slice(0, T - 1));
  return { seq, last };
}

export interface GruDevGrads {
  x: Buf;
  W: Buf;
  U: Buf;
  bias: Buf;
  h0: Buf;
}

/**
 * Back-propagation through time on the device; `gs` [B, T, u] and/or `gLast` [B, u]. `states`
 * are gruForward's kept per-step states (taken over and freed here); without them the forward
 * states are recomputed.
 */
export async function gruBackward(dev: Device, s: GruShape, x: Buf, w: GruDevWeights, h0: Buf, gs: Buf | null, gLast: Buf, states?: Buf[]): Promise<GruDevGrads> {
  const { B, T, I, u } = s;
  const bx = w.bias.slice(0, 3 * u);
  const bh = w.bias.slice(3 * u);
  const gx = await gemm(dev, x, w.W, { M: B * T, N: 3 * u, K: I, am: I, ak: 1, bk: 3 * u, bn: 1 }, bx);
  const hs: Buf[] = [h0];
  if (states) hs.push(...states);
  else for (let t = 0; t < T; t++) hs.push(await dev.run(dev.kernel('gruStep', gruStepKernel, B * u, { u, T, B }, ACT), gx, hs[t], w.U, bh, t));
  const gsb = gs ?? NO_BIAS;
  const hasSeq = gs ? 1 : 0;
  let carry = gLast;
  const dGs: Buf[] = [];
  for (let t = T - 1; t >= 0; t--) {
    const c = { u, T, hasSeq };
    const gh = await gemm(dev, hs[t], w.U, { M: B, N: 3 * u, K: u, am: u, ak: 1, bk: 3 * u, bn: 1 }, bh);
    const dG = await dev.run(dev.kernel('gruGateGrad', gruGateGrad, B * 6 * u, c, ACT), gx, gh, hs[t], carry, gsb, t);
    const next = await dev.run(dev.kernel('gruCarry', gruCarry, B * u, c, ACT), gx, gh, carry, gsb, dG, w.U, t);
    dev.free(gh);
    if (carry !== gLast) dev.free(carry);
    carry = next;
    dGs.push(dG);
  }
  dev.free(gx);
  dGs.reverse();
  const dGtm = await stack(dev, dGs, B * 6 * u);
  dev.free(...dGs);
  const dG = await batchMajor(dev, dGtm, B, T, 6 * u, 0, NO_BIAS);
  dev.free(dGtm);
  // H_prev [B, T, u]: row t holds h_{t−1} (h0 for t = 0).
  const stm = await stack(dev, hs.slice(1), B * u);
  const hPrev = await batchMajor(dev, stm, B, T, u, 1, h0);
  dev.free(stm, ...hs.slice(1));
  const R = B * T;
  const gW = await gemm(dev, x, dG, { M: I, N: 3 * u, K: R, am: 1, ak: I, bk: 6 * u, bn: 1 });
  const gU = await gemm(dev, hPrev, dG, { M: u, N: 3 * u, K: R, am: 1, ak: u, bk: 6 * u, bn: 1, bo: 3 * u });
  const gb = await columnSums(dev, dG, R, 6 * u, 6 * u);
  const gX = await gemm(dev, dG, w.W, { M: R, N: I, K: 3 * u, am: 6 * u, ak: 1, bk: 1, bn: 3 * u });
  dev.free(dG, hPrev);
  return { x: gX, W: gW, U: gU, bias: gb, h0: carry };
}
