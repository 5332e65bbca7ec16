/**
 * The spectral loss's log form and framing options, the one-pass value-and-gradient, the helper
 * thread pool, and W1 (issue 14) against the same loss built from separate ops.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { add, addVjp, frames, safeLog, safeLogVjp } from '../../src/core/index.ts';
import {
  makeSpectralLoss, meanDifference, meanDifferenceVjp, spectralLoss, spectralLossValueAndGrad, spectralLossVjp,
  type SpectralLossOptions,
} from '../../src/losses/index.ts';
import { frequencyFilterVjp, magnitudeSpectrogram, magnitudeSpectrogramVjp, type StftOptions } from '../../src/spectral/index.ts';
import * as w1 from '../../bench/w1Case.ts';
import { maxRelDiff } from '../helpers.ts';
import { lossPool } from '../../src/node/index.ts';

const N = 3000;
const value = Float64Array.from({ length: N }, (_, i) => 0.6 * Math.sin(0.21 * i) + 0.2 * Math.sin(1.3 * i + 0.01 * i * i));
const target = Float64Array.from({ length: N }, (_, i) => 0.5 * Math.sin(0.2 * i) + 0.1 * Math.cos(0.9 * i));

/**
 * Σ over sizes of mean|S − S_t| + mean|log(S + eps) − log(S_t + eps)| (or the safe log), and its
 * gradient, from the spectrogram, add, safeLog and meanDifference ops and their VJPs.
 */
function composed(t: Float64Array, v: Float64Array, sizes: number[], stft: (n: number) => StftOptions, offset: boolean) {
  let loss = 0;
  const grad = new Float64Array(v.length);
  const one = Float64Array.of(1);
  for (const n of sizes) {
    const o = stft(n);
    const St = magnitudeSpectrogram(t, o);
    const S = magnitudeSpectrogram(v, o);
    const e = frames(new Float64Array(S.data.length).fill(offset ? 1e-5 : 0), S.shape[0], S.shape[1]);
    const lt = safeLog(add(St, e));
    const lv = safeLog(add(S, e));
    loss += meanDifference(St, S)[0] + meanDifference(lt, lv)[0];
    const g = add(meanDifferenceVjp(one, St, S).value, addVjp(safeLogVjp(meanDifferenceVjp(one, lt, lv).value, add(S, e)), S, e)[0]);
    const gx = magnitudeSpectrogramVjp(g, v, o);
    for (let i = 0; i < v.length; i++) grad[i] += gx[i];
  }
  return { loss, grad };
}

describe('spectralLoss log forms and framings', () => {
  const sizes = [512, 128, 32];
  const cases: [string, SpectralLossOptions, (n: number) => StftOptions, boolean][] = [
    ['offset log, valid frames', { logForm: 'offset', framing: 'valid' }, (n) => ({ frameSize: n, padEnd: false }), true],
    ['offset log, centred frames', { logForm: 'offset', framing: 'center' }, (n) => ({ frameSize: n, center: true }), true],
    ['safe log, end padding (the defaults)', {}, (n) => ({ frameSize: n }), false],
    ['safe log, valid frames', { framing: 'valid' }, (n) => ({ frameSize: n, padEnd: false }), false],
  ];
  for (const [name, o, stft, offset] of cases) {
    it(`${name}: equals the loss built from separate ops, value and gradient`, () => {
      const opts = { fftSizes: sizes, magWeight: 1, logmagWeight: 1, ...o };
      const ref = composed(target, value, sizes, stft, offset);
      const one = spectralLossValueAndGrad(target, value, opts);
      expect(Math.abs(one.value - ref.loss) / ref.loss).toBeLessThan(1e-13);
      expect(maxRelDiff(one.grad, ref.grad)).toBeLessThan(1e-12);
      expect(spectralLoss(target, value, opts)[0]).toBe(one.value);
      // The cached-target form and the VJP agree with the one-pass form.
      const cached = makeSpectralLoss(target, opts).valueAndGrad(value);
      expect(Math.abs(cached.value - one.value)).toBeLessThan(1e-13 * one.value);
      expect(maxRelDiff(cached.grad, one.grad)).toBeLessThan(1e-12);
      const vjp = spectralLossVjp(Float64Array.of(2), target, value, opts);
      expect(maxRelDiff(vjp, one.grad.map((g) => 2 * g))).toBe(0);
    });
  }
  it('closed form: the value twice the target, magnitude term only, is Σ_n mean S_t', () => {
    const opts: SpectralLossOptions = { fftSizes: sizes, framing: 'valid' };
    const twice = target.map((v) => 2 * v);
    let expected = 0;
    for (const n of sizes) {
      const St = magnitudeSpectrogram(target, { frameSize: n, padEnd: false }).data;
      expected += St.reduce((a, b) => a + b, 0) / St.length;
    }
    expect(spectralLoss(target, twice, opts)[0]).toBeCloseTo(expected, 12);
    // log(2S + eps) − log(S + eps) → log 2 where S ≫ eps: the log term of a louder copy is about log 2.
    const logOnly = spectralLoss(target, twice, { ...opts, magWeight: 0, logmagWeight: 1, logForm: 'offset', logEps: 1e-12 })[0];
    expect(logOnly / sizes.length).toBeCloseTo(Math.LN2, 6);
  });
  it('valid frames: 1 + ⌊(N − n)/hop⌋ of them, and a signal shorter than a frame is an error', () => {
    // Only the valid frames count: a change in the last N mod hop samples (after the last whole frame) changes nothing.
    const o: SpectralLossOptions = { fftSizes: [256], framing: 'valid' };
    const tail = value.slice();
    const last = Math.floor((N - 256) / 64) * 64 + 256;
    for (let i = last; i < N; i++) tail[i] += 1;
    expect(last).toBeLessThan(N);
    expect(spectralLoss(target, tail, o)[0]).toBe(spectralLoss(target, value, o)[0]);
    expect(spectralLoss(target, tail, { fftSizes: [256] })[0]).not.toBe(spectralLoss(target, value, { fftSizes: [256] })[0]);
    expect(() => spectralLoss(target.slice(0, 100), value.slice(0, 100), o)).toThrow('spectralLoss: the signal (100 samples) is shorter than one frame of 256');
  });
  it('rejects unknown forms and framings by name', () => {
    expect(() => spectralLoss(target, value, { logForm: 'log1p' as never })).toThrow("spectralLoss: opts.logForm must be one of 'safe', 'offset'");
    expect(() => spectralLoss(target, value, { framing: 'same' as never })).toThrow("spectralLoss: opts.framing must be one of 'padEnd', 'valid', 'center'");
    expect(() => spectralLossValueAndGrad(target, value, { logEps: 0 })).toThrow('spectralLossValueAndGrad: opts.logEps');
  });
});

describe('lossPool', () => {
  const pool2 = lossPool({ threads: 2 });
  const pool3 = lossPool({ threads: 3 });
  afterAll(async () => {
    await pool2.close();
    await pool3.close();
  });
  it('gives bit-identical values and gradients with 1, 2 or 3 threads, for fused and general terms', () => {
    for (const opts of [
      { fftSizes: [1024, 512, 256, 128, 64], logmagWeight: 1, logForm: 'offset', framing: 'valid' },
      { fftSizes: [256, 64, 32], logmagWeight: 1, deltaTimeWeight: 0.5, convergenceWeight: 0.2, loudnessWeight: 0.01 },
    ] as SpectralLossOptions[]) {
      const one = spectralLossValueAndGrad(target, value, opts);
      for (const pool of [pool2, pool3]) {
        const r = spectralLossValueAndGrad(target, value, opts, pool);
        expect(r.value).toBe(one.value);
        expect(maxRelDiff(r.grad, one.grad)).toBe(0);
        expect(spectralLoss(target, value, opts, pool)[0]).toBe(one.value);
      }
    }
  });
  it('rejects bad settings, a foreign pool and use after close', async () => {
    expect(() => lossPool({ threads: 0 })).toThrow('lossPool: opts.threads must be an integer in [1, 256] (got 0)');
    expect(() => lossPool({ thread: 2 } as never)).toThrow('lossPool: unknown option');
    expect(() => spectralLoss(target, value, {}, {} as never)).toThrow('spectralLoss: pool must come from lossPool() in ddsp/node (got object)');
    const p = lossPool({ threads: 2 });
    await p.close();
    expect(() => spectralLoss(target, value, {}, p)).toThrow('spectralLoss: the loss pool is closed');
    // One thread: no helpers, computed here.
    const solo = lossPool({ threads: 1 });
    expect(spectralLoss(target, value, {}, solo)[0]).toBe(spectralLoss(target, value)[0]);
    await solo.close();
  });
});

describe('frequencyFilterVjp wrt', () => {
  it('computes only the gradient asked for, equal to the full VJP\'s', () => {
    const audio = Float64Array.from({ length: 256 }, (_, i) => Math.sin(i * 0.37));
    const mags = frames(Float64Array.from({ length: 4 * 17 }, (_, i) => 0.5 + 0.4 * Math.sin(i)), 4, 17);
    const gy = Float64Array.from({ length: 256 }, (_, i) => Math.cos(i * 0.11));
    const both = frequencyFilterVjp(gy, audio, mags);
    const m = frequencyFilterVjp(gy, audio, mags, { wrt: 'magnitudes' });
    const a = frequencyFilterVjp(gy, audio, mags, { wrt: 'audio' });
    expect(Object.keys(m)).toEqual(['magnitudes']);
    expect(Object.keys(a)).toEqual(['audio']);
    expect(Array.from(m.magnitudes.data)).toEqual(Array.from(both.magnitudes.data));
    expect(Array.from(a.audio)).toEqual(Array.from(both.audio));
    expect(() => frequencyFilterVjp(gy, audio, mags, { wrt: 'ir' as never })).toThrow("frequencyFilterVjp: opts.wrt must be one of 'both', 'audio', 'magnitudes'");
  });
});

describe('W1 (issue 14)', () => {
  const x = w1.w1Inputs();
  it('reproduces the check values', () => {
    const sum = (a: Float64Array) => a.reduce((s, v) => s + Math.abs(v), 0);
    expect(sum(w1.synthOnly(x))).toBeCloseTo(3744.73999, 5);
    expect(sum(w1.noiseOnly(x))).toBeCloseTo(532.8273, 5);
    expect(w1.fusedForward(x)).toBeCloseTo(35.712999, 6);
  });
  it('the fused path equals the composed one: loss to 1e-13, gradients to 1e-9 relative', () => {
    const a = w1.composedGrad(x);
    const b = w1.fusedGrad(x);
    expect(Math.abs(a.loss - b.loss) / a.loss).toBeLessThan(1e-13);
    for (const k of ['amp', 'hd', 'f0', 'nm'] as const) expect(maxRelDiff(b.grads[k], a.grads[k])).toBeLessThan(1e-9);
  });
});
