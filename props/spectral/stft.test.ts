import { describe, it } from 'vitest';
import * as s from '../../src/spectral/index.ts';
import { meanDifference, meanDifferenceVjp, spectralLoss, spectralLossVjp } from '../../src/losses/index.ts';
import { frames, type Frames } from '../../src/core/frames.ts';
import { fc, num, arrayOf, expectVjp, expectAdjoint } from '../helpers.ts';

type C = { re: Float64Array; im: Float64Array };
// Magnitudes, logs and norms have kinks at zero: add a fixed generic signal so that the random
// part cannot shrink to silence (fast-check's favourite counterexample).
const generic = (i: number) => 0.5 * Math.sin(1.7 * i + 0.3) + 0.2 * Math.cos(0.37 * i * i);
const sig = (min: number, max: number) => fc.integer({ min, max }).chain((n) => arrayOf(num(-1, 1), n, n).map((a) => a.map((v, i) => v + generic(i))));

describe('FFT and framing: adjoint pairs and VJPs', () => {
  it('rfft and irfft', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1 }), (e, pad) => {
      const n = 2 ** e;
      const x = Float64Array.from({ length: n - pad * (n > 2 ? 1 : 0) }, (_, i) => Math.sin(i * 1.3 + e));
      expectAdjoint((v: Float64Array) => s.rfft(v, n) as unknown as Frames, (g: Frames) => s.rfftVjp(g as unknown as C, x, n), x);
      expectVjp((v: Float64Array) => s.rfft(v, n) as unknown as Frames, (g: Frames, v: Float64Array) => s.rfftVjp(g as unknown as C, v, n), x);
      const X = s.rfft(Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7)));
      expectAdjoint((z: Frames) => s.irfft(z as unknown as C), (g: Float64Array) => s.irfftVjp(g, X) as unknown as Frames, X as unknown as Frames);
    }));
  });
  it('frame ↔ overlapAdd', () => {
    fc.assert(fc.property(sig(1, 60), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer({ min: 0, max: 4 }), (x, size, hop, padEnd, padLeft) => {
      const o = { padEnd: true, padLeft };
      void padEnd;
      expectAdjoint((v: Float64Array) => s.frame(v, size, hop, o), (g: Frames) => s.frameVjp(g, x, size, hop, o), x);
      const fr = s.frame(x, size, hop, o);
      expectAdjoint((f: Frames) => s.overlapAdd(f, hop, { padLeft }), (g: Float64Array) => s.overlapAddVjp(g, fr, hop, { padLeft }), fr);
    }));
  });
});

describe('STFT family VJPs', () => {
  const geo = fc.record({ frameSize: fc.constantFrom(8, 12, 16), hop: fc.constantFrom(2, 4, 5), center: fc.boolean(), window: fc.constantFrom('hann' as const, 'hann-symmetric' as const, 'rectangular' as const) });
  it('stft (adjoint), magnitude, power and log-magnitude', () => {
    fc.assert(fc.property(sig(16, 70), geo, (x, o) => {
      expectAdjoint((v: Float64Array) => s.stft(v, o) as unknown as Frames, (g: Frames) => s.stftVjp(g as unknown as s.Spectrogram, x, o), x);
      expectVjp((v: Float64Array) => s.magnitudeSpectrogram(v, o), (g: Frames, v: Float64Array) => s.magnitudeSpectrogramVjp(g, v, o), x);
      expectVjp((v: Float64Array) => s.powerSpectrogram(v, o), (g: Frames, v: Float64Array) => s.powerSpectrogramVjp(g, v, o), x);
      expectVjp((v: Float64Array) => s.logMagnitudeSpectrogram(v, o), (g: Frames, v: Float64Array) => s.logMagnitudeSpectrogramVjp(g, v, o), x, { eps: 1e-8 });
    }));
  });
  it('mel, log-mel, MFCC', () => {
    fc.assert(fc.property(sig(64, 200), fc.integer({ min: 2, max: 12 }), (x, nMels) => {
      const o = { frameSize: 64, nMels, loHz: 100, hiHz: 7000 };
      expectVjp((v: Float64Array) => s.melSpectrogram(v, o), (g: Frames, v: Float64Array) => s.melSpectrogramVjp(g, v, o), x);
      expectVjp((v: Float64Array) => s.logMelSpectrogram(v, o), (g: Frames, v: Float64Array) => s.logMelSpectrogramVjp(g, v, o), x, { eps: 1e-8 });
      const mo = { ...o, nMfcc: Math.min(5, nMels) };
      expectVjp((v: Float64Array) => s.mfcc(v, mo), (g: Frames, v: Float64Array) => s.mfccVjp(g, v, mo), x, { eps: 1e-8 });
      const M = s.melWeightMatrix(nMels, 33, 16000, 100, 7000);
      const spec = frames(Float64Array.from({ length: 4 * 33 }, (_, i) => Math.cos(i)), 4, 33);
      expectAdjoint((v: Frames) => s.applyMel(v, M), (g: Frames) => s.applyMelVjp(g, M), spec);
      const lm = frames(Float64Array.from({ length: 3 * nMels }, (_, i) => Math.sin(i)), 3, nMels);
      expectAdjoint((v: Frames) => s.dctII(v, Math.min(5, nMels)), (g: Frames) => s.dctIIVjp(g, lm), lm);
    }));
  });
});

describe('feature VJPs', () => {
  it('loudness (v3 and v1), rmsEnergy and powerDb', () => {
    fc.assert(fc.property(sig(100, 400), fc.constantFrom('v3' as const, 'v1' as const), (x, convention) => {
      const o = { sampleRate: 1600, frameRate: 50, nFft: 64, convention };
      expectVjp((v: Float64Array) => s.loudness(v, o), (g: Float64Array, v: Float64Array) => s.loudnessVjp(g, v, o), x, { eps: 1e-8 });
      const r = { sampleRate: 1600, frameRate: 100, frameSize: 32, padding: 'center' as const };
      expectVjp((v: Float64Array) => s.rmsEnergy(v, r), (g: Float64Array, v: Float64Array) => s.rmsEnergyVjp(g, v, r), x);
      expectVjp((v: Float64Array) => s.powerDb(v, r), (g: Float64Array, v: Float64Array) => s.powerDbVjp(g, v, r), x, { eps: 1e-8 });
    }), { numRuns: 60 });
  });
});

describe('loss VJPs', () => {
  it('meanDifference (L1, L2 with weights, cosine) in target and value', () => {
    const arb = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(arrayOf(num(-2, 2), 3 * n, 3 * n), arrayOf(num(-2, 2), 3 * n, 3 * n), arrayOf(num(0, 2), 3 * n, 3 * n)));
    fc.assert(fc.property(arb, fc.constantFrom('L1' as const, 'L2' as const, 'COSINE' as const), ([a, b, w], lossType) => {
      const n = a.length / 3;
      const o = { lossType, weights: lossType === 'COSINE' ? undefined : w };
      type X = { t: Frames; v: Frames };
      const shift = (d: Float64Array) => d.map((v, i) => v + generic(i) + 0.5);
      expectVjp(
        (z: X) => meanDifference(z.t, z.v, o),
        (g: Float64Array, z: X) => {
          const r = meanDifferenceVjp(g, z.t, z.v, o);
          return { t: r.target, v: r.value };
        },
        { t: frames(shift(a), n, 3), v: frames(lossType === 'COSINE' ? shift(b) : b, n, 3) },
      );
    }));
  });
  // One term at a time: the magnitude terms have cone-shaped kinks where a bin's |X| ≈ 0
  // (a step of 1e-5 keeps clear of them and of rounding), the log terms curve like 1/|X|²
  // there (a step of 1e-7 with the five-point stencil). L1's kinks at d = 0 are crossed with
  // probability ≈ 2h per element, about 5% per case over a few thousand elements at h = 1e-5,
  // so the terms are checked with L2; L1 only swaps the outer derivative for sign(d)/n, which
  // the meanDifference property above checks.
  it('spectralLoss, every term (L2)', () => {
    const termsAndSteps: [string, number, number][] = [
      ['magWeight', 1, 1e-5], ['deltaTimeWeight', 0.3, 1e-5], ['deltaFreqWeight', 0.2, 1e-5], ['cumsumFreqWeight', 0.1, 1e-5],
      ['convergenceWeight', 0.4, 1e-5], ['loudnessWeight', 0.01, 1e-5], ['logmagWeight', 0.5, 1e-7], ['logMelWeight', 0.3, 1e-7],
    ];
    fc.assert(fc.property(sig(256, 400), fc.constantFrom(...termsAndSteps), (x, [term, w, eps]) => {
      const lossType = 'L2' as const;
      const target = x.map((v, i) => 0.5 * v + 0.3 * Math.sin(i * 0.3));
      const o = { fftSizes: [64, 32, 16], lossType, nMels: 8, magWeight: 0, [term]: w };
      expectVjp((v: Float64Array) => spectralLoss(target, v, o), (g: Float64Array, v: Float64Array) => spectralLossVjp(g, target, v, o), x, { eps, order: 4 });
    }), { numRuns: 60 });
  });
  it('spectralLoss, log forms and framings (L2): the fused one-pass kernel', () => {
    const forms = [['offset', 'valid'], ['offset', 'center'], ['safe', 'valid'], ['offset', 'padEnd']] as const;
    fc.assert(fc.property(sig(256, 400), fc.constantFrom(...forms), fc.constantFrom(1e-5, 1e-2), ([...x], [logForm, framing], logEps) => {
      const v0 = Float64Array.from(x);
      const target = v0.map((v, i) => 0.5 * v + 0.3 * Math.sin(i * 0.3));
      const o = { fftSizes: [128, 64, 16], lossType: 'L2' as const, magWeight: 0.7, logmagWeight: 0.5, logForm, framing, logEps };
      expectVjp((v: Float64Array) => spectralLoss(target, v, o), (g: Float64Array, v: Float64Array) => spectralLossVjp(g, target, v, o), v0, { eps: 1e-7, order: 4 });
    }), { numRuns: 40 });
  });
});
