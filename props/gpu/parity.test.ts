/**
 * ddsp/gpu's VJPs against the CPU VJPs (themselves checked against finite differences in float64
 * elsewhere in props/) over random shapes: frame counts, harmonics, hops, bands, FFT sizes, batch
 * and sequence sizes, IR lengths — where index arithmetic goes wrong if it does. Float32 on the
 * device: relative L2 bounds of 1e-4 (1e-3 where a cotangent is a long sum of float32 terms).
 * Each shape compiles new kernels, so the runs are fewer than the CPU properties'.
 */
import ndarray from 'ndarray';
import { describe, it } from 'vitest';
import { fc, arrayOf } from '../helpers.ts';
import { frames } from '../../src/core/frames.ts';
import { gpuBackend } from '../../src/gpu/index.ts';
import { harmonicSynthVjp } from '../../src/synths/harmonic.ts';
import { frequencyFilterVjp } from '../../src/spectral/frequencyFilter.ts';
import { makeSpectralLoss } from '../../src/losses/spectralLoss.ts';
import { reverbVjp } from '../../src/effects/reverb.ts';
import { gruVjp } from '../../src/nn/gru.ts';
import { relL2 } from '../../test/compare.ts';

/**
 * Doubles in [min, max] that float32 holds without underflow: magnitudes below 1e-6 become 0 (the
 * device computes in float32, where 1e-100 is 0 and a relative comparison with float64 means nothing).
 */
const num = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((v) => (Math.abs(v) < 1e-6 ? 0 : v));

const runs = { numRuns: Number(process.env.GPU_FC_RUNS ?? 12) };
const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
/**
 * ‖a − b‖ ≤ tol·max(‖b‖, scale): relative to the reference, or to `scale` (the size the result
 * could have, e.g. ‖ȳ‖·‖x‖ for a correlation) where the reference is itself only rounding noise.
 */
const close = (name: string, a: ArrayLike<number>, b: ArrayLike<number>, tol: number, scale = 0) => {
  const e = relL2(a, b) * (norm(b) || 1);
  const ref = Math.max(norm(b), scale);
  if (!(e <= tol * ref)) throw new Error(`${name}: |a − b| ${e.toExponential(2)} > ${tol} × ${ref.toExponential(2)}`);
};

/** `n` values of seeded noise in [−1, 1) (shrinks by seed, never towards silence). */
const noise = (n: number) => fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) => {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 2 * (s / 2 ** 32) - 1;
  });
});

describe('ddsp/gpu VJPs equal the CPU VJPs over random shapes', () => {
  it('harmonicSynthVjp', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const arb = fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.constantFrom('window' as const, 'linear' as const))
      .chain(([F, K, hop, addEndpoint, ampResample]) => fc.record({
        amp: arrayOf(num(0.05, 1), F, F),
        dist: arrayOf(num(0, 1), F * K, F * K).map((d) => frames(d, F, K)),
        f0: arrayOf(num(50, 3000), F, F),
        gy: arrayOf(num(-1, 1), (addEndpoint ? F : F - 1) * hop, (addEndpoint ? F : F - 1) * hop),
        opts: fc.constant({ nSamples: (addEndpoint ? F : F - 1) * hop, addEndpoint, ampResample }),
      }));
    await fc.assert(fc.asyncProperty(arb, async ({ amp, dist, f0, gy, opts }) => {
      const got = await gpu.harmonicSynthVjp(gy, amp, dist, f0, opts);
      const ref = harmonicSynthVjp(gy, amp, dist, f0, opts);
      close('amplitude', got.amplitude, ref.amplitude as Float64Array, 1e-4);
      close('distribution', got.distribution, ref.distribution.data, 1e-4);
      close('f0', got.f0Hz, ref.f0Hz as Float64Array, 1e-3);
    }), runs);
  }, 120_000);

  it('frequencyFilterVjp', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const arb = fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 48 }), fc.integer({ min: 0, max: 30 }))
      .chain(([F, bands, hop, windowSize]) => fc.record({
        x: arrayOf(num(-1, 1), F * hop, F * hop),
        gy: arrayOf(num(-1, 1), F * hop, F * hop),
        m: arrayOf(num(0, 1), F * bands, F * bands).map((d) => frames(d, F, bands)),
        windowSize: fc.constant(windowSize),
      }));
    await fc.assert(fc.asyncProperty(arb, async ({ x, gy, m, windowSize }) => {
      const got = await gpu.frequencyFilterVjp(gy, x, m, { windowSize });
      const ref = frequencyFilterVjp(gy, x, m, { windowSize });
      close('audio', got.audio as Float64Array, ref.audio, 1e-4, norm(gy) * norm(m.data));
      close('magnitudes', (got.magnitudes as typeof m).data, ref.magnitudes.data, 1e-4, norm(gy) * norm(x));
    }), runs);
  }, 120_000);

  it('the spectral loss gradient (magnitude term, noise signals)', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const arb = fc.tuple(fc.integer({ min: 64, max: 1500 }), fc.subarray([16, 32, 64, 128, 256], { minLength: 1 }), fc.constantFrom('padEnd' as const, 'valid' as const, 'center' as const), fc.constantFrom('L1' as const, 'L2' as const))
      .chain(([N, sizes, framing, lossType]) => fc.record({
        x: noise(N),
        t: noise(N),
        o: fc.constant({ fftSizes: sizes.filter((s) => framing !== 'valid' || s <= N), framing, lossType }),
      })).filter(({ o }) => o.fftSizes.length > 0);
    await fc.assert(fc.asyncProperty(arb, async ({ x, t, o }) => {
      const L = await gpu.makeSpectralLoss(t, o);
      const got = await L.valueAndGrad(x);
      L.free();
      const ref = makeSpectralLoss(t, o).valueAndGrad(x);
      if (!(Math.abs(got.value - ref.value) <= 1e-5 * ref.value)) throw new Error(`loss ${got.value} vs ${ref.value}`);
      close('gradient', got.grad, ref.grad, 1e-4);
    }), runs);
  }, 120_000);

  it('reverbVjp', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const arb = fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 700 }))
      .chain(([N, L]) => fc.record({ x: arrayOf(num(-1, 1), N, N), gy: arrayOf(num(-1, 1), N, N), ir: arrayOf(num(-0.5, 0.5), L, L) }));
    await fc.assert(fc.asyncProperty(arb, async ({ x, gy, ir }) => {
      const got = await gpu.reverbVjp(gy, x, ir);
      const ref = reverbVjp(gy, x, ir);
      close('audio', got.audio, ref.audio, 1e-4, norm(gy) * (1 + norm(ir)));
      close('ir', got.ir, ref.ir, 1e-4, norm(gy) * norm(x));
    }), runs);
  }, 120_000);

  it('gruVjp', async () => {
    const gpu = await gpuBackend({ quiet: true });
    const arb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 7 }))
      .chain(([B, T, I, u]) => fc.record({
        x: arrayOf(num(-1, 1), B * T * I, B * T * I).map((d) => ndarray(d, [B, T, I])),
        W: arrayOf(num(-0.5, 0.5), I * 3 * u, I * 3 * u).map((d) => frames(d, I, 3 * u)),
        U: arrayOf(num(-0.5, 0.5), u * 3 * u, u * 3 * u).map((d) => frames(d, u, 3 * u)),
        b: arrayOf(num(-0.2, 0.2), 6 * u, 6 * u).map((d) => frames(d, 2, 3 * u)),
        gs: arrayOf(num(-1, 1), B * T * u, B * T * u).map((d) => ndarray(d, [B, T, u])),
      }));
    await fc.assert(fc.asyncProperty(arb, async ({ x, W, U, b, gs }) => {
      const w = { kernel: W, recurrentKernel: U, bias: b };
      const got = await gpu.gruVjp({ sequence: gs }, x, w);
      const ref = gruVjp({ sequence: gs }, x, w);
      close('x', got.x.data, ref.x.data, 1e-4);
      close('W', got.weights.kernel.data, ref.weights.kernel.data, 1e-4);
      close('U', got.weights.recurrentKernel.data, ref.weights.recurrentKernel.data, 1e-4);
      close('bias', got.weights.bias.data, ref.weights.bias.data, 1e-4);
    }), runs);
  }, 120_000);
});
