/**
 * safetensors, the weights format of Hugging Face and PyTorch users: an 8-byte little-endian
 * header length n, n bytes of JSON — for each tensor { dtype, shape, data_offsets: [begin, end] }
 * (byte offsets into the data that follows), plus an optional "__metadata__" of strings — then
 * the raw little-endian data, every byte of it belonging to exactly one tensor.
 * We read and write F64 and F32 (and read F16 and BF16 into Float32Arrays).
 */
import { fail, readOptions } from '../core/errors.ts';
import { isNdArray } from '../core/frames.ts';

export type SafeDtype = 'F64' | 'F32';

export interface SafeTensor {
  dtype: string;
  shape: number[];
  data: Float64Array | Float32Array;
}

export interface EncodeSafetensorsOptions {
  /** String metadata stored in the header. */
  metadata?: Record<string, string>;
  /** Storage type of Float64Array/ndarray inputs. Default 'F64' (exact); 'F32' halves the size. */
  dtype?: SafeDtype;
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function tensorOf(fn: string, name: string, v: unknown, dtype: SafeDtype): SafeTensor {
  if (v instanceof Float64Array) return { dtype, shape: [v.length], data: v };
  if (isNdArray(v) && ((v as { data: unknown }).data instanceof Float64Array || (v as { data: unknown }).data instanceof Float32Array)) {
    const t = v as { data: Float64Array | Float32Array; shape: number[]; stride: number[]; offset: number; size: number };
    const size = t.shape.reduce((a, b) => a * b, 1);
    let data = t.data;
    let s = 1;
    let dense = t.offset === 0 && t.data.length === size;
    for (let i = t.shape.length - 1; i >= 0 && dense; i--) {
      if (t.shape[i] > 1 && t.stride[i] !== s) dense = false;
      s *= t.shape[i];
    }
    if (!dense) fail(fn, `tensor '${name}' is a strided view; pass a contiguous copy`);
    if (data.length !== size) data = data.slice(0, size);
    return { dtype: data instanceof Float32Array && dtype === 'F64' ? 'F32' : dtype, shape: t.shape.slice(), data };
  }
  if (typeof v === 'object' && v !== null && 'data' in v && 'shape' in v) {
    const t = v as SafeTensor;
    if (!(t.data instanceof Float64Array || t.data instanceof Float32Array)) fail(fn, `tensor '${name}'.data must be a Float64Array or Float32Array`);
    if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(fn, `tensor '${name}'.shape must be non-negative integers`);
    if (t.shape.reduce((a, b) => a * b, 1) !== t.data.length) fail(fn, `tensor '${name}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    return { dtype: t.data instanceof Float32Array ? 'F32' : dtype, shape: t.shape.slice(), data: t.data };
  }
  return fail(fn, `tensor '${name}' must be a Float64Array, an ndarray or { shape, data } (got ${v === null ? 'null' : typeof v})`);
}

/**
 * Encode named tensors as safetensors bytes (keys in the order given; header padded to 8 bytes).
 * @example const bytes = encodeSafetensors({ 'decoder/rnn/kernel': kernel }, { metadata: { step: '1000' } })
 */
export function encodeSafetensors(tensors: Record<string, unknown>, opts: EncodeSafetensorsOptions = {}): Uint8Array {
  const fn = 'encodeSafetensors';
  const { metadata, dtype = 'F64' } = readOptions(fn, opts, ['metadata', 'dtype']);
  if (dtype !== 'F64' && dtype !== 'F32') fail(fn, `opts.dtype must be 'F64' or 'F32' (got ${JSON.stringify(dtype)})`);
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) fail(fn, 'tensors must be a record of named tensors');
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Object.values(metadata).some((v) => typeof v !== 'string'))) {
    fail(fn, 'opts.metadata must be a record of strings');
  }
  const entries = Object.entries(tensors).map(([name, v]) => {
    if (name === '__metadata__') fail(fn, "'__metadata__' is reserved; pass metadata in opts.metadata");
    return [name, tensorOf(fn, name, v, dtype)] as const;
  });
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = t.data.length * (t.dtype === 'F64' ? 8 : 4);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += ' ';
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const [, t] of entries) {
    if (t.dtype === 'F64') {
      const src = t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
      if (LITTLE) out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), at);
      else for (let i = 0; i < src.length; i++) view.setFloat64(at + 8 * i, src[i], true);
      at += src.byteLength;
    } else {
      const src = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
      if (LITTLE) out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), at);
      else for (let i = 0; i < src.length; i++) view.setFloat32(at + 4 * i, src[i], true);
      at += src.byteLength;
    }
  }
  return out;
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * Decode safetensors bytes: every tensor as { dtype, shape, data } (F64 → Float64Array; F32, F16
 * and BF16 → Float32Array) and the metadata. Malformed files are errors that say what is wrong.
 */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, SafeTensor>; metadata: Record<string, string> } {
  const fn = 'decodeSafetensors';
  if (!(bytes instanceof Uint8Array)) fail(fn, `bytes must be a Uint8Array (got ${bytes === null ? 'null' : typeof bytes})`);
  if (bytes.length < 8) fail(fn, `not a safetensors file: ${bytes.length} bytes is shorter than the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8) || n > 100_000_000n) fail(fn, `not a safetensors file: the header length ${n} exceeds the file (${bytes.length} bytes)`);
  const headerLen = Number(n);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    return fail(fn, `malformed safetensors header: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(fn, 'malformed safetensors header: not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const tensors: Record<string, SafeTensor> = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null || Object.values(v).some((x) => typeof x !== 'string')) fail(fn, 'malformed safetensors header: __metadata__ must map strings to strings');
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const size = { F64: 8, F32: 4, F16: 2, BF16: 2 }[e?.dtype as string];
    if (size === undefined) fail(fn, `tensor '${name}': unsupported dtype ${JSON.stringify(e?.dtype)} (supported: F64, F32, F16, BF16)`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(fn, `tensor '${name}': shape must be non-negative integers`);
    const shape = e.shape as number[];
    const count = shape.reduce((a, b) => a * b, 1);
    const off = e.data_offsets as number[];
    if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isInteger(x) && x >= 0) || off[1] < off[0] || off[1] > dataLen) {
      fail(fn, `tensor '${name}': data_offsets ${JSON.stringify(e.data_offsets)} do not lie within the ${dataLen} data bytes`);
    }
    if (off[1] - off[0] !== count * size) fail(fn, `tensor '${name}': ${off[1] - off[0]} bytes for ${count} values of ${String(e.dtype)}`);
    spans.push([off[0], off[1], name]);
    const at = dataStart + off[0];
    let data: Float64Array | Float32Array;
    if (e.dtype === 'F64') {
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(at + 8 * i, true);
    } else if (e.dtype === 'F32') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
    } else {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const b = view.getUint16(at + 2 * i, true);
        data[i] = e.dtype === 'F16' ? half(b) : new Float32Array(new Uint32Array([b << 16]).buffer)[0];
      }
    }
    tensors[name] = { dtype: e.dtype as string, shape, data };
  }
  spans.sort((a, b) => a[0] - b[0]);
  let expect = 0;
  for (const [b, e, name] of spans) {
    if (b !== expect) fail(fn, `tensor '${name}' starts at byte ${b} of the data, expected ${expect} (overlapping or gapped buffers)`);
    expect = e;
  }
  if (expect !== dataLen) fail(fn, `the data has ${dataLen} bytes but the tensors cover ${expect}`);
  return { tensors, metadata };
}
