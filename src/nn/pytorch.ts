/**
 * Loading decoders trained in PyTorch. Layout differences, per layer:
 *   Linear   weight [out, in] (y = x·Wᵀ + b)     → dense kernel [in, out] = weightᵀ, bias as is
 *   LayerNorm weight, bias                       → gamma, beta (use eps 1e-3 in PyTorch, as Keras)
 *   GRU      weight_ih_l0 [3H, in], weight_hh_l0 [3H, H], bias_ih_l0, bias_hh_l0 [3H], gate rows in
 *            the order r | z | n                 → kernel [in, 3H], recurrentKernel [H, 3H],
 *            bias [2, 3H] with columns z | r | h: PyTorch's row blocks (z, r, n) = (1, 0, 2)
 *            become our column blocks (0, 1, 2), transposed; bias_ih is row 0, bias_hh row 1.
 * The cells are the same (PyTorch's n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)) is Keras'
 * reset_after=True), so a mapped GRU computes PyTorch's outputs to rounding.
 */
import { checkSize, fail, within } from '../core/errors.ts';
import { frames, type Frames } from '../core/frames.ts';
import type { Params } from '../core/tree.ts';
import type { SafeTensor } from '../io/safetensors.ts';
import type { GruWeights } from './gru.ts';
import type { RnnFcDecoderOptions } from './decoder.ts';

type Tensors = Record<string, SafeTensor | { data: Float64Array | Float32Array; shape: number[] }>;

function get(fn: string, t: Tensors, name: string, shape: number[]): Float64Array {
  const v = t[name];
  if (v === undefined) fail(fn, `the state dict has no '${name}'`);
  if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) fail(fn, `'${name}' has shape [${v.shape.join(', ')}], expected [${shape.join(', ')}]`);
  return v.data instanceof Float64Array ? v.data : Float64Array.from(v.data);
}

/** Transpose a row-major [r, c] matrix. */
function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

/** PyTorch's GRU tensors (gate rows r | z | n) → our weights (columns z | r | h). */
export function gruFromPyTorch(t: Tensors, prefix: string, inDim: number, units: number): GruWeights {
  const fn = 'gruFromPyTorch';
  if (typeof t !== 'object' || t === null) fail(fn, 'tensors must be a record of named tensors (e.g. decodeSafetensors(bytes).tensors)');
  if (typeof prefix !== 'string') fail(fn, `prefix must be a string such as 'rnn.' (got ${typeof prefix})`);
  checkSize(fn, 'inDim', inDim, 1);
  checkSize(fn, 'units', units, 1);
  const H = units;
  const wih = get(fn, t, `${prefix}weight_ih_l0`, [3 * H, inDim]);
  const whh = get(fn, t, `${prefix}weight_hh_l0`, [3 * H, H]);
  const bih = get(fn, t, `${prefix}bias_ih_l0`, [3 * H]);
  const bhh = get(fn, t, `${prefix}bias_hh_l0`, [3 * H]);
  const order = [1, 0, 2]; // our block g (z, r, h) comes from PyTorch's block order[g] (r=0, z=1, n=2)
  const permuteRows = (w: Float64Array, cols: number) => {
    const out = new Float64Array(w.length);
    for (let g = 0; g < 3; g++) out.set(w.subarray(order[g] * H * cols, (order[g] + 1) * H * cols), g * H * cols);
    return out;
  };
  const kernel = transpose(permuteRows(wih, inDim), 3 * H, inDim);
  const recurrentKernel = transpose(permuteRows(whh, H), 3 * H, H);
  const bias = new Float64Array(6 * H);
  bias.set(permuteRows(bih, 1), 0);
  bias.set(permuteRows(bhh, 1), 3 * H);
  return { kernel: frames(kernel, inDim, 3 * H), recurrentKernel: frames(recurrentKernel, H, 3 * H), bias: frames(bias, 2, 3 * H) };
}

function denseFrom(fn: string, t: Tensors, prefix: string, inDim: number, out: number): { kernel: Frames; bias: Float64Array } {
  return { kernel: frames(transpose(get(fn, t, `${prefix}weight`, [out, inDim]), out, inDim), inDim, out), bias: get(fn, t, `${prefix}bias`, [out]).slice() };
}

function stackFrom(fn: string, t: Tensors, prefix: string, inDim: number, ch: number, layers: number): Params {
  const out: Record<string, Params> = {};
  for (let i = 0; i < layers; i++) {
    out[`fc${i}`] = {
      dense: denseFrom(fn, t, `${prefix}${i}.dense.`, i === 0 ? inDim : ch, ch),
      norm: { gamma: get(fn, t, `${prefix}${i}.norm.weight`, [ch]).slice(), beta: get(fn, t, `${prefix}${i}.norm.bias`, [ch]).slice() },
    };
  }
  return out;
}

/**
 * Parameters of {@link rnnFcDecoder} from a PyTorch state dict laid out as in
 * test/fixtures/pytorch/make_decoder_fixture.py (`<key>_stack.<i>.dense.weight`, `rnn.weight_ih_l0`,
 * `out_stack.<i>.norm.bias`, `out.weight`, …).
 * @example const params = decoderFromPyTorch(decodeSafetensors(bytes).tensors, presets.soloInstrument.decoder)
 */
export function decoderFromPyTorch(tensors: Tensors, opts: RnnFcDecoderOptions): Params {
  const fn = 'decoderFromPyTorch';
  if (typeof tensors !== 'object' || tensors === null) fail(fn, 'tensors must be a record of named tensors (e.g. decodeSafetensors(bytes).tensors)');
  if (typeof opts !== 'object' || opts === null) fail(fn, 'opts must be the decoder options (e.g. presets.small.decoder)');
  const { rnnChannels: H, ch, layersPerStack: L, inputKeys, outputSplits } = opts;
  const nIn = inputKeys.length;
  const stackOut = L > 0 ? ch * nIn : nIn;
  const out: Record<string, unknown> = {};
  for (const k of inputKeys) if (L > 0) out[`${k}_stack`] = stackFrom(fn, tensors, `${k}_stack.`, 1, ch, L);
  out.rnn = within(fn, () => gruFromPyTorch(tensors, 'rnn.', stackOut, H));
  if (L > 0) out.out_stack = stackFrom(fn, tensors, 'out_stack.', stackOut + H, ch, L);
  out.out = denseFrom(fn, tensors, 'out.', L > 0 ? ch : stackOut + H, outputSplits.reduce((s, [, n]) => s + n, 0));
  return out as Params;
}
