/**
 * DDSP's RnnFcDecoder on the GPU (internal; `ddsp/gpu` exposes it): the same structure and
 * parameters as nn.rnnFcDecoder — per input key an FcStack, a GRU over their concatenation, an
 * FcStack over [stacks, GRU], a dense output layer — forward and backward with every activation
 * kept on the device. An Fc layer (dense → layer norm → leaky ReLU, DDSP's) is a GEMM, a row-stats
 * kernel and one elementwise kernel; its VJP an elementwise kernel, a row-sums kernel, the input's
 * cotangent, two column reductions (γ̄, β̄) and two GEMMs (W̄, x̄) plus a column sum (b̄).
 * The GRU keeps its per-step states from the forward pass for back-propagation through time.
 */
import type { Frames } from '../core/frames.ts';
import type { Params } from '../core/tree.ts';
import type { Buf, Device } from './device.ts';
import { addBufs, kernelSource } from './device.ts';
import { columnSums, gemm, gruBackward, gruForward, type GruDevWeights } from './nn.ts';

const EPS = 1e-3;
const ALPHA = 0.2;


/** Per row of x [rows, c]: mean (slot 0) and 1/√(var + ε) (slot 1). */
const lnStats = kernelSource(`function lnStats(x) {
  const i = this.thread.x;
  const r = idiv(i, 2);
  const which = i - 2 * r;
  const c = this.constants.c;
  let m = 0;
  for (let j = 0; j < c; j++) m += x[r * c + j];
  m = m / c;
  if (which < 0.5) return m;
  let v = 0;
  for (let j = 0; j < c; j++) {
    const d = x[r * c + j] - m;
    v += d * d;
  }
  return 1 / Math.sqrt(v / c + this.constants.eps);
}`);


/** leakyReLU(γ·x̂ + β). */
const lnAct = kernelSource(`function lnAct(x, st, gamma, beta) {
  const i = this.thread.x;
  const r = idiv(i, this.constants.c);
  const j = i - r * this.constants.c;
  const y = gamma[j] * (x[i] - st[2 * r]) * st[2 * r + 1] + beta[j];
  if (y > 0) return y;
  return this.constants.alpha * y;
}`);

/** The cotangent before the activation: ȳ·(1 where γx̂ + β > 0, else α). */
const actGrad = kernelSource(`function actGrad(gy, x, st, gamma, beta) {
  const i = this.thread.x;
  const r = idiv(i, this.constants.c);
  const j = i - r * this.constants.c;
  const y = gamma[j] * (x[i] - st[2 * r]) * st[2 * r + 1] + beta[j];
  if (y > 0) return gy[i];
  return this.constants.alpha * gy[i];
}`);

/** Per row: mean(ḡ⊙γ) (slot 0) and mean(ḡ⊙γ⊙x̂) (slot 1). */
const lnRowSums = kernelSource(`function lnRowSums(ga, x, st, gamma) {
  const i = this.thread.x;
  const r = idiv(i, 2);
  const which = i - 2 * r;
  const c = this.constants.c;
  let s = 0;
  for (let j = 0; j < c; j++) {
    const d = ga[r * c + j] * gamma[j];
    if (which < 0.5) s += d;
    else s += d * (x[r * c + j] - st[2 * r]) * st[2 * r + 1];
  }
  return s / c;
}`);

/** x̄ = (ḡ⊙γ − mean(ḡ⊙γ) − x̂·mean(ḡ⊙γ⊙x̂))/√(σ² + ε). */
const lnGradX = kernelSource(`function lnGradX(ga, x, st, gamma, sums) {
  const i = this.thread.x;
  const r = idiv(i, this.constants.c);
  const j = i - r * this.constants.c;
  const xh = (x[i] - st[2 * r]) * st[2 * r + 1];
  return (ga[i] * gamma[j] - sums[2 * r] - xh * sums[2 * r + 1]) * st[2 * r + 1];
}`);


/** γ̄[j] = Σ_rows ḡ⊙x̂. */
const lnGradGamma = kernelSource(`function lnGradGamma(ga, x, st) {
  const j = this.thread.x;
  const c = this.constants.c;
  let s = 0;
  for (let r = 0; r < this.constants.rows; r++) s += ga[r * c + j] * (x[r * c + j] - st[2 * r]) * st[2 * r + 1];
  return s;
}`);


/** [a | b] along channels. */
const concatCols = kernelSource(`function concatCols(a, b) {
  const i = this.thread.x;
  const c = this.constants.ca + this.constants.cb;
  const r = idiv(i, c);
  const j = i - r * c;
  if (j < this.constants.ca) return a[r * this.constants.ca + j];
  return b[r * this.constants.cb + j - this.constants.ca];
}`);


/** Channels [off, off + w) of x [rows, c]. */
const sliceCols = kernelSource(`function sliceCols(x) {
  const i = this.thread.x;
  const r = idiv(i, this.constants.w);
  const j = i - r * this.constants.w;
  return x[r * this.constants.c + this.constants.off + j];
}`);


export function concatBufs(dev: Device, a: Buf, ca: number, b: Buf, cb: number, rows: number): Promise<Buf> {
  return dev.run(dev.kernel('concatCols', concatCols, rows * (ca + cb), { ca, cb }), a, b);
}

export function sliceBuf(dev: Device, x: Buf, c: number, off: number, w: number, rows: number): Promise<Buf> {
  return dev.run(dev.kernel('sliceCols', sliceCols, rows * w, { c, off, w }), x);
}


/** One Fc layer's parameters in float32. */
export interface Fc32 {
  W: Float32Array;
  b: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  cin: number;
  ch: number;
}

interface FcCache {
  xin: Buf;
  pre: Buf;
  st: Buf;
}

async function fcForward(dev: Device, rows: number, xin: Buf, p: Fc32): Promise<{ y: Buf; cache: FcCache }> {
  const pre = await gemm(dev, xin, p.W, { M: rows, N: p.ch, K: p.cin, am: p.cin, ak: 1, bk: p.ch, bn: 1 }, p.b);
  const st = await dev.run(dev.kernel('lnStats', lnStats, rows * 2, { c: p.ch, eps: EPS }), pre);
  const y = await dev.run(dev.kernel('lnAct', lnAct, rows * p.ch, { c: p.ch, alpha: ALPHA }), pre, st, p.gamma, p.beta);
  return { y, cache: { xin, pre, st } };
}

interface FcGrads {
  W: Buf;
  b: Buf;
  gamma: Buf;
  beta: Buf;
}

async function fcBackward(dev: Device, rows: number, gy: Buf, c: FcCache, p: Fc32, needInput: boolean): Promise<{ gx: Buf | null; g: FcGrads }> {
  const ce = { c: p.ch, alpha: ALPHA };
  const ga = await dev.run(dev.kernel('actGrad', actGrad, rows * p.ch, ce), gy, c.pre, c.st, p.gamma, p.beta);
  const sums = await dev.run(dev.kernel('lnRowSums', lnRowSums, rows * 2, { c: p.ch, eps: EPS }), ga, c.pre, c.st, p.gamma);
  const gpre = await dev.run(dev.kernel('lnGradX', lnGradX, rows * p.ch, ce), ga, c.pre, c.st, p.gamma, sums);
  const gamma = await dev.run(dev.kernel('lnGradGamma', lnGradGamma, p.ch, { c: p.ch, rows }), ga, c.pre, c.st);
  const beta = await columnSums(dev, ga, rows, p.ch, p.ch);
  dev.free(ga, sums);
  const W = await gemm(dev, c.xin, gpre, { M: p.cin, N: p.ch, K: rows, am: 1, ak: p.cin, bk: p.ch, bn: 1 });
  const b = await columnSums(dev, gpre, rows, p.ch, p.ch);
  const gx = needInput ? await gemm(dev, gpre, p.W, { M: rows, N: p.cin, K: p.ch, am: p.ch, ak: 1, bk: 1, bn: p.ch }) : null;
  dev.free(gpre);
  return { gx, g: { W, b, gamma, beta } };
}

/** The decoder's parameters in float32, from nn.initRnnFcDecoder's tree. */
export interface Decoder32 {
  stacks: Fc32[][];
  rnn: GruDevWeights;
  u: number;
  outStack: Fc32[];
  out: { W: Float32Array; b: Float32Array; cin: number; cout: number };
}

const f32 = (a: Float64Array | Frames) => Float32Array.from(a instanceof Float64Array ? a : (a.data as Float64Array));

function fc32(p: Params, cin: number): Fc32 {
  const d = p.dense as { kernel: Frames; bias: Float64Array };
  const n = p.norm as { gamma: Float64Array; beta: Float64Array };
  return { W: f32(d.kernel), b: f32(d.bias), gamma: f32(n.gamma), beta: f32(n.beta), cin, ch: d.bias.length };
}

/** Float32 copies of a (validated) parameter tree. */
export function decoderWeights(params: Params, keys: readonly string[], L: number, stackIn: number): Decoder32 {
  const stack = (p: Params, cin: number): Fc32[] => Array.from({ length: L }, (_, i) => fc32(p[`fc${i}`] as Params, i === 0 ? cin : ((p.fc0 as Params).dense as { bias: Float64Array }).bias.length));
  const stacks = keys.map((k) => (L > 0 ? stack(params[`${k}_stack`] as Params, 1) : []));
  const rnn = params.rnn as { kernel: Frames; recurrentKernel: Frames; bias: Frames };
  const u = rnn.recurrentKernel.shape[0];
  const out = params.out as { kernel: Frames; bias: Float64Array };
  return {
    stacks,
    rnn: { W: f32(rnn.kernel), U: f32(rnn.recurrentKernel), bias: f32(rnn.bias) },
    u,
    outStack: L > 0 ? stack(params.out_stack as Params, stackIn + u) : [],
    out: { W: f32(out.kernel), b: f32(out.bias), cin: out.kernel.shape[0], cout: out.bias.length },
  };
}

export interface DecoderRun {
  /** The output [B, T, Σ widths] on the device. */
  y: Buf;
  /** What the backward pass needs (freed by decoderBackward). */
  tape: unknown;
}

interface Tape {
  stackCaches: FcCache[][];
  stackOuts: Buf[];
  rnnIn: Buf;
  states: Buf[];
  h0: Float32Array;
  cat: Buf;
  outCaches: FcCache[];
  last: Buf;
  widths: number[];
}

/** Forward pass over inputs (one [B·T] buffer per key). */
export async function decoderForward(dev: Device, d: Decoder32, inputs: Buf[], B: number, T: number): Promise<DecoderRun> {
  const rows = B * T;
  const stackCaches: FcCache[][] = [];
  const stackOuts: Buf[] = [];
  const widths: number[] = [];
  for (let k = 0; k < inputs.length; k++) {
    let h = inputs[k];
    const caches: FcCache[] = [];
    for (const p of d.stacks[k]) {
      const r = await fcForward(dev, rows, h, p);
      caches.push(r.cache);
      h = r.y;
    }
    stackCaches.push(caches);
    stackOuts.push(h);
    widths.push(d.stacks[k].length ? d.stacks[k][d.stacks[k].length - 1].ch : 1);
  }
  let rnnIn = stackOuts[0];
  let cin = widths[0];
  for (let k = 1; k < stackOuts.length; k++) {
    rnnIn = await concatBufs(dev, rnnIn, cin, stackOuts[k], widths[k], rows);
    cin += widths[k];
  }
  const u = d.u;
  const h0 = new Float32Array(B * u);
  const g = await gruForward(dev, { B, T, I: cin, u }, rnnIn, d.rnn, h0, true);
  const cat = await concatBufs(dev, rnnIn, cin, g.seq, u, rows);
  dev.free(g.seq);
  let h = cat;
  const outCaches: FcCache[] = [];
  for (const p of d.outStack) {
    const r = await fcForward(dev, rows, h, p);
    outCaches.push(r.cache);
    h = r.y;
  }
  const y = await gemm(dev, h, d.out.W, { M: rows, N: d.out.cout, K: d.out.cin, am: d.out.cin, ak: 1, bk: d.out.cout, bn: 1 }, d.out.b);
  const tape: Tape = { stackCaches, stackOuts, rnnIn, states: g.states as Buf[], h0, cat, outCaches, last: h, widths };
  return { y, tape };
}

export interface DecoderGradBufs {
  stacks: FcGrads[][];
  rnn: { W: Buf; U: Buf; bias: Buf };
  outStack: FcGrads[];
  out: { W: Buf; b: Buf };
}

/** Backward pass from the output's cotangent [B, T, Σ widths]; frees the tape. */
export async function decoderBackward(dev: Device, d: Decoder32, run: DecoderRun, gy: Buf, B: number, T: number): Promise<DecoderGradBufs> {
  const t = run.tape as Tape;
  const rows = B * T;
  const oW = await gemm(dev, t.last, gy, { M: d.out.cin, N: d.out.cout, K: rows, am: 1, ak: d.out.cin, bk: d.out.cout, bn: 1 });
  const ob = await columnSums(dev, gy, rows, d.out.cout, d.out.cout);
  let g = await gemm(dev, gy, d.out.W, { M: rows, N: d.out.cin, K: d.out.cout, am: d.out.cout, ak: 1, bk: 1, bn: d.out.cout });
  const outStack: FcGrads[] = [];
  for (let i = d.outStack.length - 1; i >= 0; i--) {
    const r = await fcBackward(dev, rows, g, t.outCaches[i], d.outStack[i], true);
    dev.free(g, t.outCaches[i].pre, t.outCaches[i].st);
    if (i > 0) dev.free(t.outCaches[i].xin);
    g = r.gx as Buf;
    outStack.unshift(r.g);
  }
  if (d.outStack.length) dev.free(t.last);
  // g is the cotangent of [stacks | GRU sequence].
  const u = d.u;
  const cin = t.widths.reduce((a, b) => a + b, 0);
  const gIn = await sliceBuf(dev, g, cin + u, 0, cin, rows);
  const gSeq = await sliceBuf(dev, g, cin + u, cin, u, rows);
  dev.free(g, t.cat);
  const gr = await gruBackward(dev, { B, T, I: cin, u }, t.rnnIn, d.rnn, t.h0, gSeq, new Float32Array(B * u), t.states);
  dev.free(gSeq, gr.h0);
  const gRnnIn = await addBufs(dev, gIn, gr.x, rows * cin);
  dev.free(gIn, gr.x);
  const stacks: FcGrads[][] = [];
  let off = 0;
  for (let k = 0; k < d.stacks.length; k++) {
    let gk = await sliceBuf(dev, gRnnIn, cin, off, t.widths[k], rows);
    off += t.widths[k];
    const grads: FcGrads[] = [];
    for (let i = d.stacks[k].length - 1; i >= 0; i--) {
      const r = await fcBackward(dev, rows, gk, t.stackCaches[k][i], d.stacks[k][i], i > 0);
      dev.free(gk, t.stackCaches[k][i].pre, t.stackCaches[k][i].st);
      if (i > 0) dev.free(t.stackCaches[k][i].xin);
      gk = r.gx as Buf;
      grads.unshift(r.g);
    }
    if (d.stacks[k].length) dev.free(t.stackOuts[k]);
    else dev.free(gk);
    stacks.push(grads);
  }
  dev.free(gRnnIn);
  if (t.stackOuts.length > 1) dev.free(t.rnnIn);
  return { stacks, rnn: { W: gr.W, U: gr.U, bias: gr.bias }, outStack, out: { W: oW, b: ob } };
}

/** Release a forward pass's tape without running the backward pass. */
export function freeTape(dev: Device, run: DecoderRun): void {
  const t = run.tape as Tape;
  for (const cs of [...t.stackCaches, t.outCaches]) {
    cs.forEach((c, i) => {
      dev.free(c.pre, c.st);
      if (i > 0) dev.free(c.xin);
    });
  }
  t.stackOuts.forEach((b, k) => {
    if (t.stackCaches[k].length) dev.free(b);
  });
  if (t.stackOuts.length > 1) dev.free(t.rnnIn);
  dev.free(...t.states, t.cat);
  if (t.outCaches.length) dev.free(t.last);
  dev.free(run.y);
}
