/**
 * The device layer under `ddsp/gpu` (internal): gpu.js kernels compiled once per shape and cached,
 * every kernel in pipeline mode with a flat (1-D) output, so that one kernel's result feeds the
 * next without a round trip to the CPU. On WebGPU a result is a GPU buffer handle; in gpu.js's CPU
 * mode it is a Float32Array. Both are a `Buf`; `read` brings one back, `free` releases it.
 *
 * Index arithmetic in kernels is float32 (gpu.js translates numbers to f32, and WGSL's division
 * is accurate to 2.5 ulp only), so integer quotients go through `idiv` (below), exact for every
 * index below 2^24 — the largest output a kernel here may have.
 */
import { fail } from '../core/errors.ts';

/** A kernel's result: a GPU buffer handle (WebGPU) or a Float32Array (gpu.js CPU mode). */
export type Buf = Float32Array | GpuHandle;

export interface GpuHandle {
  toArray(): Promise<unknown>;
  delete(): void;
  readonly output: number[];
}

export type Kernel = ((...a: unknown[]) => unknown) & { destroy?: (removeCanvas?: boolean) => void };

export interface GpuJs {
  mode: string;
  createKernel(fn: string, settings: Record<string, unknown>): Kernel;
}

/**
 * A kernel's source as text. gpu.js compiles kernels from their JavaScript source; a bundler's
 * minifier rewrites function code (merging declarations, dropping braces, renaming), which
 * gpu.js's shader translators do not all parse — so every kernel here is a string, which no
 * minifier touches. Each reads `this.thread.x` (its flat output index) and `this.constants`.
 */
export type KernelSource = string & { readonly kernelSource: true };

export function kernelSource(src: string): KernelSource {
  return src as KernelSource;
}

const MAX_KERNELS = 256;

/**
 * ⌊a/d⌋ for integer-valued a ≥ 0 and d > 0 in float32, exact for a < 2^24 on any device: the
 * quotient estimate (from the half-offset, so never on an integer) is corrected by its remainder,
 * whatever the division's error (WGSL allows 2.5 ulp). Every kernel gets it; they index with it.
 */
const IDIV = `function idiv(a, d) {
  let q = Math.floor((a + 0.5) / d);
  const r = a - q * d;
  if (r < 0) q = q - 1;
  if (r >= d) q = q + 1;
  return q;
}` as KernelSource;

const copy = kernelSource(`function copy(a) {
  return a[this.thread.x];
}`);

export class Device {
  private readonly kernels = new Map<string, Kernel>();
  /** Device buffers handed out by run and not yet freed (diagnostics: a leak shows here). */
  readonly live = new Set<GpuHandle>();
  constructor(readonly gpu: GpuJs) {}

  /**
   * The kernel for `key` (compiled on first use): `fn` over `size` threads with `constants`,
   * pipeline mode, each call writing a fresh buffer (so earlier results stay valid until freed).
   */
  kernel(key: string, fn: KernelSource, size: number, constants: Record<string, number>, functions: readonly KernelSource[] = []): Kernel {
    const full = `${key}|${size}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}`;
    let k = this.kernels.get(full);
    if (k === undefined) {
      if (this.kernels.size >= MAX_KERNELS) {
        for (const old of this.kernels.values()) old.destroy?.();
        this.kernels.clear();
      }
      k = this.gpu.createKernel(fn, { output: [size], constants, pipeline: true, immutable: true, loopMaxIterations: 1 << 20, tactic: 'precision', functions: [IDIV, ...functions] });
      this.kernels.set(full, k);
    }
    return k;
  }

  /** Run a kernel; its inputs are Bufs, typed arrays (uploaded as float32) or numbers. */
  async run(k: Kernel, ...args: unknown[]): Promise<Buf> {
    // A kernel first called with a device buffer is compiled for buffers there: a plain array in
    // that place later is uploaded first (a copy kernel) and released after the run.
    const types = (k as { kernel?: { argumentTypes?: string[] } }).kernel?.argumentTypes;
    const uploads: Buf[] = [];
    if (types) {
      for (let i = 0; i < args.length; i++) {
        if (types[i] === 'WebGPUBuffer' && args[i] instanceof Float32Array) {
          const a = args[i] as Float32Array;
          const up = await this.run(this.kernel('copy', copy, a.length, {}), a);
          uploads.push(up);
          args[i] = up;
        }
      }
    }
    let y = k(...args);
    if (y && typeof (y as Promise<unknown>).then === 'function') y = await y;
    this.free(...uploads);
    if (isHandle(y)) this.live.add(y);
    return y as Buf;
  }

  /** The values of a Buf, on the CPU. */
  async read(b: Buf): Promise<Float32Array> {
    if (b instanceof Float32Array) return b;
    const v = await b.toArray();
    if (v instanceof Float32Array) return v;
    return Float32Array.from(v as ArrayLike<number>);
  }

  /** Release GPU buffers (no-op for CPU arrays). */
  free(...bs: (Buf | null | undefined)[]): void {
    for (const b of bs) {
      if (b && !(b instanceof Float32Array)) {
        b.delete();
        this.live.delete(b);
      }
    }
  }
}

/** A float32 copy of a float64 array. */
export function f32(x: Float64Array): Float32Array {
  return Float32Array.from(x);
}

export function isHandle(x: unknown): x is GpuHandle {
  return typeof x === 'object' && x !== null && typeof (x as GpuHandle).toArray === 'function' && typeof (x as GpuHandle).delete === 'function';
}

/**
 * A tensor that lives on the device (a pipeline result): pass it to other `ddsp/gpu` functions
 * without reading it back; `read()` copies it to the CPU, `free()` releases it.
 */
export class GpuArray {
  /** @internal */
  constructor(private readonly device: Device, readonly buf: Buf, readonly length: number) {}
  /** The values, read back from the device. */
  read(): Promise<Float32Array> {
    if (this.freed) return Promise.reject(new Error('GpuArray.read: this array has been freed'));
    return this.device.read(this.buf);
  }
  private freed = false;
  /** Release the device buffer. */
  free(): void {
    if (!this.freed) this.device.free(this.buf);
    this.freed = true;
  }
  /** @internal */
  get isFreed(): boolean {
    return this.freed;
  }
}

/** An audio-like input: a typed array (uploaded as float32) or a GpuArray of the same length. */
export type GpuInput = Float64Array | Float32Array | GpuArray;

/** The Buf of an input, its length checked. */
export function inputBuf(fn: string, name: string, x: unknown, length?: number): { buf: Buf; length: number } {
  if (x instanceof GpuArray) {
    if (x.isFreed) fail(fn, `${name} is a GpuArray that has been freed`);
    if (length !== undefined && x.length !== length) fail(fn, `${name} must have ${length} values (got a GpuArray of ${x.length})`);
    return { buf: x.buf, length: x.length };
  }
  if (!(x instanceof Float64Array || x instanceof Float32Array)) {
    fail(fn, `${name} must be a Float64Array, Float32Array or GpuArray (got ${x === null ? 'null' : typeof x === 'object' ? (x as object).constructor?.name ?? 'an object' : typeof x})`);
  }
  if (length !== undefined && x.length !== length) fail(fn, `${name} must have ${length} values (got ${x.length})`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) fail(fn, `${name}[${i}] is ${x[i]}; expected finite values`);
  return { buf: x instanceof Float32Array ? x : Float32Array.from(x), length: x.length };
}

type CStack = { len: number; parts: number };

/**
 * Seven buffers of `len` values, one after another (missing ones are placeholders). Seven: WebGPU
 * guarantees 8 storage buffers per shader stage, and the output is one of them.
 */
const concat7 = kernelSource(`function concat7(a0, a1, a2, a3, a4, a5, a6) {
  const i = this.thread.x;
  const p = idiv(i, this.constants.len);
  const k = i - p * this.constants.len;
  let v = 0;
  if (p < 0.5) v = a0[k];
  if (p > 0.5 && p < 1.5) v = a1[k];
  if (p > 1.5 && p < 2.5) v = a2[k];
  if (p > 2.5 && p < 3.5) v = a3[k];
  if (p > 3.5 && p < 4.5) v = a4[k];
  if (p > 4.5 && p < 5.5) v = a5[k];
  if (p > 5.5) v = a6[k];
  return v;
}`);

const FAN = 7;

/**
 * The buffers (each `len` values) one after another in a new buffer, by a tree of 7-way copies:
 * ⌈n/7⌉ + ⌈n/49⌉ + … launches. The result may run past n·len (the tail is padding); the inputs
 * stay valid (free them yourself).
 */
export async function stack(dev: Device, bufs: readonly Buf[], len: number): Promise<Buf> {
  const pad = new Float32Array(1);
  let level: Buf[] = bufs.slice();
  let size = len;
  let owned = false;
  for (;;) {
    const next: Buf[] = [];
    for (let g = 0; g < level.length; g += FAN) {
      const group = level.slice(g, g + FAN);
      const parts = group.length;
      while (group.length < FAN) group.push(pad);
      next.push(await dev.run(dev.kernel('concat7', concat7, parts * size, { len: size, parts }), ...group));
    }
    if (owned) dev.free(...level);
    owned = true;
    // Every group but the last is full, so each part of the next level is FAN·size long but the last.
    level = next;
    size *= FAN;
    if (level.length === 1) return level[0];
  }
}

const addK = kernelSource(`function addK(a, b) {
  return a[this.thread.x] + b[this.thread.x];
}`);

/** a + b elementwise (n values), on the device. */
export function addBufs(dev: Device, a: Buf, b: Buf, n: number): Promise<Buf> {
  return dev.run(dev.kernel('add', addK, n, {}), a, b);
}
