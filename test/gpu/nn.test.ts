/**
 * ddsp/gpu's dense layer and GRU against the CPU layers (src/nn): forward and VJP, batched and
 * unbatched, with an initial state and cotangents on both the sequence and the last state.
 * Float32 on the device: relative L2 errors near 1e-7 are expected; the bounds leave 100× room.
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { frames } from '../../src/core/frames.ts';
import { gpuBackend } from '../../src/gpu/index.ts';
import { dense, denseVjp } from '../../src/nn/dense.ts';
import { gru, gruVjp } from '../../src/nn/gru.ts';
import { randomStream, relL2 } from '../helpers.ts';

describe('ddsp/gpu dense', () => {
  it('equals the CPU dense layer and its VJP', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const arr = randomStream(5);
    const x = ndarray(arr(3 * 20 * 5), [3, 20, 5]);
    const W = frames(arr(5 * 7), 5, 7);
    const b = arr(7);
    const y = await gpu.dense(x, W, b);
    expect(y.shape).toEqual([3, 20, 7]);
    expect(relL2(y.data, dense(x, W, b).data)).toBeLessThan(1e-5);
    const gy = ndarray(arr(3 * 20 * 7), [3, 20, 7]);
    const got = await gpu.denseVjp(gy, x, W, b);
    const ref = denseVjp(gy, x, W, b);
    expect(got.x.shape).toEqual([3, 20, 5]);
    expect(relL2(got.x.data, ref.x.data)).toBeLessThan(1e-5);
    expect(relL2(got.kernel.data, ref.kernel.data)).toBeLessThan(1e-5);
    expect(relL2(got.bias, ref.bias)).toBeLessThan(1e-5);
    await expect(gpu.dense(x, frames(arr(6 * 7), 6, 7), b)).rejects.toThrow('gpu.dense: kernel must be [5, any] (got [6, 7])');
  }, 60_000);
});

describe('ddsp/gpu gru', () => {
  const arr = randomStream(3);
  const B = 3;
  const T = 20;
  const I = 5;
  const u = 8;
  const x = ndarray(arr(B * T * I), [B, T, I]);
  const w = { kernel: frames(arr(I * 3 * u, 0.5), I, 3 * u), recurrentKernel: frames(arr(u * 3 * u, 0.5), u, 3 * u), bias: frames(arr(6 * u, 0.2), 2, 3 * u) };
  const h0 = frames(arr(B * u), B, u);

  it('runs the sequence as the CPU GRU does, state included', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const got = await gpu.gru(x, w, { initialState: h0 });
    const ref = gru(x, w, { initialState: h0 });
    expect(got.sequence.shape).toEqual([B, T, u]);
    expect(relL2(got.sequence.data, ref.sequence.data)).toBeLessThan(1e-5);
    expect(relL2(got.state.data, ref.state.data)).toBeLessThan(1e-5);
    // 2-D input: one example.
    const x2 = ndarray(x.data.slice(0, T * I), [T, I]);
    const got2 = await gpu.gru(x2, w);
    expect(got2.sequence.shape).toEqual([T, u]);
    expect(relL2(got2.sequence.data, gru(x2, w).sequence.data)).toBeLessThan(1e-5);
  }, 60_000);

  it('back-propagates through time as the CPU VJP does', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const g = { sequence: ndarray(arr(B * T * u), [B, T, u]), state: frames(arr(B * u), B, u) };
    const got = await gpu.gruVjp(g, x, w, { initialState: h0 });
    const ref = gruVjp(g, x, w, { initialState: h0 });
    expect(relL2(got.x.data, ref.x.data)).toBeLessThan(1e-5);
    expect(relL2(got.weights.kernel.data, ref.weights.kernel.data)).toBeLessThan(1e-5);
    expect(relL2(got.weights.recurrentKernel.data, ref.weights.recurrentKernel.data)).toBeLessThan(1e-5);
    expect(relL2(got.weights.bias.data, ref.weights.bias.data)).toBeLessThan(1e-5);
    expect(relL2(got.initialState.data, ref.initialState.data)).toBeLessThan(1e-5);
    // Only a sequence cotangent; only a state cotangent.
    const s1 = await gpu.gruVjp({ sequence: g.sequence }, x, w);
    expect(relL2(s1.weights.recurrentKernel.data, gruVjp({ sequence: g.sequence }, x, w).weights.recurrentKernel.data)).toBeLessThan(1e-5);
    const s2 = await gpu.gruVjp({ state: g.state }, x, w);
    expect(relL2(s2.x.data, gruVjp({ state: g.state }, x, w).x.data)).toBeLessThan(1e-5);
  }, 60_000);

  it('names bad input as the CPU GRU does', async () => {
    const gpu = await gpuBackend({ quiet: true });
    await expect(gpu.gru(x, { ...w, recurrentKernel: frames(arr(u * u), u, u) })).rejects.toThrow('gpu.gru: weights.recurrentKernel must be [u, 3u] (got [8, 8])');
    await expect(gpu.gruVjp({ state: frames(arr(u), 1, u) }, x, w)).rejects.toThrow('gpu.gruVjp: g.state must be [3, 8] (got [1, 8])');
    await expect(gpu.gruVjp({ nope: 1 } as never, x, w)).rejects.toThrow('gpu.gruVjp');
  }, 60_000);
});
