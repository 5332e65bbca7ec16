/**
 * Keras' GRU with its TF2 defaults (reset_after=True, tanh/sigmoid): kernel W [in, 3u],
 * recurrent kernel U [u, 3u], bias [2, 3u] (row 0 the input bias bˣ, row 1 the recurrent bias bʰ),
 * gate columns in the order z | r | h. Per step, with gˣ = x_t·W + bˣ for all t in one GEMM:
 *   gʰ = h_{t−1}·U + bʰ,   z = σ(gˣ_z + gʰ_z),   r = σ(gˣ_r + gʰ_r),
 *   n = tanh(gˣ_h + r⊙gʰ_h),   h_t = z⊙h_{t−1} + (1 − z)⊙n.
 * Back-propagation through time, given d = ∂L/∂h_t (the output's cotangent plus the carry):
 *   z̄ = d⊙(h_{t−1} − n)⊙z(1 − z),  n̄ = d⊙(1 − z)⊙(1 − n²),  r̄ = n̄⊙gʰ_h⊙r(1 − r),
 *   Ḡˣ_t = [z̄, r̄, n̄],  Ḡʰ_t = [z̄, r̄, n̄⊙r],  carry = d⊙z + Ḡʰ_t·Uᵀ,
 * then W̄ = Xᵀ·Ḡˣ, Ū = H_prevᵀ·Ḡʰ, b̄ˣ = ΣḠˣ, b̄ʰ = ΣḠʰ, X̄ = Ḡˣ·Wᵀ (GEMMs over all B·T rows).
 * The forward keeps z, r, n and gʰ_h per step (4u per frame and example) besides the outputs:
 * memory O(B·T·u). PyTorch's nn.GRU is the same cell with gates ordered r | z | n.
 */
import { fail, readOptions, within } from '../core/errors.ts';
import { frames, type Frames } from '../core/frames.ts';
import { gemm } from '../backends/cpu/gemm.ts';
import { readMatrix, readRows, type Tensor } from './tensor.ts';
import ndarray from 'ndarray';

export interface GruWeights {
  /** W [in, 3u]. */
  kernel: Frames;
  /** U [u, 3u]. */
  recurrentKernel: Frames;
  /** Shape [2, 3u]: the input bias, then the recurrent bias. */
  bias: Frames;
}

export interface GruOptions {
  /** State before the first frame, [batch, u] (or [1, u] for 2-D input). Default zeros. */
  initialState?: Frames;
}

export interface GruOutput {
  /** Every state h_1…h_T, shaped like x with u channels. */
  sequence: Tensor;
  /** The last state h_T, [batch, u]: the next block's initialState. */
  state: Frames;
}

const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

export function readGru(fn: string, x: unknown, w: GruWeights, opts: GruOptions) {
  const { initialState } = readOptions(fn, opts, ['initialState']);
  const X = readRows(fn, 'x', x);
  const B = X.shape.length === 3 ? X.shape[0] : 1;
  const T = X.shape.length === 3 ? X.shape[1] : X.shape[0];
  if (typeof w !== 'object' || w === null) fail(fn, 'weights must be { kernel, recurrentKernel, bias }');
  readOptions(fn, w, ['kernel', 'recurrentKernel', 'bias'], 'weights');
  const U = readMatrix(fn, 'weights.recurrentKernel', w.recurrentKernel, undefined, undefined);
  const u = U.rows;
  if (U.cols !== 3 * u) fail(fn, `weights.recurrentKernel must be [u, 3u] (got [${U.rows}, ${U.cols}])`);
  const W = readMatrix(fn, 'weights.kernel', w.kernel, X.c, 3 * u);
  const bias = readMatrix(fn, 'weights.bias', w.bias, 2, 3 * u);
  let h0: Float64Array | undefined;
  if (initialState !== undefined) h0 = readMatrix(fn, 'opts.initialState', initialState, B, u).data;
  return { X, B, T, u, W, U, bias: bias.data, h0 };
}

/** Forward pass keeping what BPTT needs. */
function run(s: ReturnType<typeof readGru>, keep: boolean) {
  const { X, B, T, u, W, U, bias, h0 } = s;
  const u3 = 3 * u;
  // gˣ for every frame of every example: [B·T, 3u] = X·W + bˣ.
  const gx = new Float64Array(B * T * u3);
  for (let r = 0; r < B * T; r++) gx.set(bias.subarray(0, u3), r * u3);
  gemm('N', 'N', B * T, u3, X.c, X.data, 0, X.c, W.data, 0, u3, 1, gx, 0, u3);
  const seq = new Float64Array(B * T * u);
  const z = keep ? new Float64Array(B * T * u) : new Float64Array(0);
  const rr = keep ? new Float64Array(B * T * u) : new Float64Array(0);
  const nn = keep ? new Float64Array(B * T * u) : new Float64Array(0);
  const ghn = keep ? new Float64Array(B * T * u) : new Float64Array(0);
  let h = h0 ? h0.slice() : new Float64Array(B * u);
  const gh = new Float64Array(B * u3);
  // Uᵀ [3u, u] once, so each step's h·U is a row-dot GEMM with nothing to repack.
  const Ut = new Float64Array(u3 * u);
  for (let i = 0; i < u; i++) for (let j = 0; j < u3; j++) Ut[j * u + i] = U.data[i * u3 + j];
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) gh.set(bias.subarray(u3, 2 * u3), b * u3);
    gemm('N', 'T', B, u3, u, h, 0, u, Ut, 0, u, 1, gh, 0, u3);
    const next = new Float64Array(B * u);
    for (let b = 0; b < B; b++) {
      const xo = (b * T + t) * u3;
      const ho = b * u3;
      const so = (b * T + t) * u;
      for (let j = 0; j < u; j++) {
        const zj = sigmoid(gx[xo + j] + gh[ho + j]);
        const rj = sigmoid(gx[xo + u + j] + gh[ho + u + j]);
        const hn = gh[ho + 2 * u + j];
        const nj = Math.tanh(gx[xo + 2 * u + j] + rj * hn);
        const hj = zj * h[b * u + j] + (1 - zj) * nj;
        next[b * u + j] = hj;
        seq[so + j] = hj;
        if (keep) {
          z[so + j] = zj;
          rr[so + j] = rj;
          nn[so + j] = nj;
          ghn[so + j] = hn;
        }
      }
    }
    h = next;
  }
  return { seq, last: h, z, r: rr, n: nn, ghn };
}

/**
 * Run the GRU over a sequence: x [T, in] or [B, T, in] → { sequence, state }.
 * @example const { sequence, state } = gru(x, weights)  // state feeds the next block
 */
export function gru(x: Tensor, weights: GruWeights, opts: GruOptions = {}): GruOutput {
  const s = readGru('gru', x, weights, opts);
  const { seq, last } = run(s, false);
  return { sequence: ndarray(seq, s.X.shape.length === 3 ? [s.B, s.T, s.u] : [s.T, s.u]), state: frames(last, s.B, s.u) };
}

export interface GruGrads {
  x: Tensor;
  weights: { kernel: Frames; recurrentKernel: Frames; bias: Frames };
  initialState: Frames;
}

/**
 * VJP of {@link gru} by back-propagation through time; `g.sequence` and/or `g.state` may be given
 * (an absent one is zero).
 */
export function gruVjp(g: { sequence?: Tensor; state?: Frames }, x: Tensor, weights: GruWeights, opts: GruOptions = {}): GruGrads {
  const fn = 'gruVjp';
  const s = readGru(fn, x, weights, opts);
  const { X, B, T, u, W, U } = s;
  const u3 = 3 * u;
  if (typeof g !== 'object' || g === null) fail(fn, 'g must be { sequence?, state? }');
  readOptions(fn, g, ['sequence', 'state'], 'g');
  const gs = g.sequence === undefined ? undefined : readRows(fn, 'g.sequence', g.sequence);
  if (gs && (gs.rows !== B * T || gs.c !== u)) fail(fn, `g.sequence must have ${B * T} rows of ${u} channels (got ${gs.rows} of ${gs.c})`);
  const gl = g.state === undefined ? undefined : readMatrix(fn, 'g.state', g.state, B, u).data;
  const f = run(s, true);
  const h0 = s.h0 ?? new Float64Array(B * u);
  const dGx = new Float64Array(B * T * u3);
  const dGh = new Float64Array(B * T * u3);
  let carry = gl ? gl.slice() : new Float64Array(B * u);
  const dgh = new Float64Array(B * u3);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const so = (b * T + t) * u;
      const go = (b * T + t) * u3;
      const prev = t > 0 ? f.seq : h0;
      const po = t > 0 ? (b * T + t - 1) * u : b * u;
      for (let j = 0; j < u; j++) {
        const d = carry[b * u + j] + (gs ? gs.data[so + j] : 0);
        const zj = f.z[so + j];
        const rj = f.r[so + j];
        const nj = f.n[so + j];
        const dz = d * (prev[po + j] - nj) * zj * (1 - zj);
        const dn = d * (1 - zj) * (1 - nj * nj);
        const dr = dn * f.ghn[so + j] * rj * (1 - rj);
        dGx[go + j] = dz;
        dGx[go + u + j] = dr;
        dGx[go + 2 * u + j] = dn;
        dGh[go + j] = dz;
        dGh[go + u + j] = dr;
        dGh[go + 2 * u + j] = dn * rj;
        dgh[b * u3 + j] = dz;
        dgh[b * u3 + u + j] = dr;
        dgh[b * u3 + 2 * u + j] = dn * rj;
        carry[b * u + j] = d * zj;
      }
    }
    // carry += Ḡʰ_t·Uᵀ: [B, 3u]·[u, 3u]ᵀ.
    gemm('N', 'T', B, u, u3, dgh, 0, u3, U.data, 0, u3, 1, carry, 0, u);
  }
  // The previous states, row-aligned with the frames: H_prev[b, t] = h_{t−1}.
  const hPrev = new Float64Array(B * T * u);
  for (let b = 0; b < B; b++) {
    hPrev.set(h0.subarray(b * u, (b + 1) * u), b * T * u);
    if (T > 1) hPrev.set(f.seq.subarray(b * T * u, (b * T + T - 1) * u), (b * T + 1) * u);
  }
  const gW = new Float64Array(X.c * u3);
  gemm('T', 'N', X.c, u3, B * T, X.data, 0, X.c, dGx, 0, u3, 0, gW, 0, u3);
  const gU = new Float64Array(u * u3);
  gemm('T', 'N', u, u3, B * T, hPrev, 0, u, dGh, 0, u3, 0, gU, 0, u3);
  const gb = new Float64Array(2 * u3);
  for (let r = 0; r < B * T; r++) {
    for (let j = 0; j < u3; j++) {
      gb[j] += dGx[r * u3 + j];
      gb[u3 + j] += dGh[r * u3 + j];
    }
  }
  const gX = new Float64Array(B * T * X.c);
  gemm('N', 'T', B * T, X.c, u3, dGx, 0, u3, W.data, 0, u3, 0, gX, 0, X.c);
  return {
    x: ndarray(gX, X.shape.slice()),
    weights: { kernel: frames(gW, X.c, u3), recurrentKernel: frames(gU, u, u3), bias: frames(gb, 2, u3) },
    initialState: frames(carry, B, u),
  };
}

/**
 * One GRU step with the state explicit, for streaming and real time:
 * x [B, in] and h [B, u] → h' [B, u]. Equal to gru over one frame with initialState h.
 */
export function gruStep(x: Frames, h: Frames, weights: GruWeights): Frames {
  const fn = 'gruStep';
  const X = readMatrix(fn, 'x', x, undefined, undefined);
  const H = readMatrix(fn, 'h', h, X.rows, undefined);
  const s = readGru(fn, ndarray(X.data, [X.rows, 1, X.cols]), weights, { initialState: frames(H.data, H.rows, H.cols) });
  return frames(run(s, false).last, s.B, s.u);
}

/** VJP of {@link gruStep}: cotangents of x, h and the weights. */
export function gruStepVjp(gh: Frames, x: Frames, h: Frames, weights: GruWeights): { x: Frames; h: Frames; weights: GruGrads['weights'] } {
  const fn = 'gruStepVjp';
  const X = readMatrix(fn, 'x', x, undefined, undefined);
  const H = readMatrix(fn, 'h', h, X.rows, undefined);
  readMatrix(fn, 'gh', gh, H.rows, H.cols);
  const r = within(fn, () => gruVjp({ state: gh }, ndarray(X.data, [X.rows, 1, X.cols]), weights, { initialState: frames(H.data, H.rows, H.cols) }));
  return { x: frames(r.x.data as Float64Array, X.rows, X.cols), h: r.initialState, weights: r.weights };
}
