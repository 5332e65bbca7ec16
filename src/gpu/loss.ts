/**
 * The multi-scale spectral loss on the device (internal; `ddsp/gpu` exposes it), for a batch of
 * examples of equal length: the targets' magnitudes are computed once and stay on the device; an
 * evaluation runs, per scale, the spectra, the per-frame losses and (for the gradient) the adjoint
 * transform and overlap-add, accumulating every scale's gradient on the device. Only one number
 * per frame comes back (summed per example in float64 on the CPU).
 */
import { fail } from '../core/errors.ts';
import { framingOptions, spectralLossSettings, type SpectralLossOptions } from '../losses/spectralLoss.ts';
import { stftGeometry } from '../spectral/stft.ts';
import type { Buf, Device } from './device.ts';
import { dftPlan, frameLosses, lossGrad, magnitudes, spectra, type DftPlan, type LossTerms } from './spectral.ts';

const CPU_ONLY = ['deltaTimeWeight', 'deltaFreqWeight', 'cumsumFreqWeight', 'loudnessWeight', 'convergenceWeight', 'logMelWeight'] as const;

export interface DeviceLoss {
  B: number;
  N: number;
  /** Each example's loss and, if asked, the gradient [B, N] on the device. */
  evaluate(audio: Buf, withGrad: boolean): Promise<{ values: number[]; grad: Buf | null }>;
  free(): void;
}

/** Validated options → the loss's terms (the magnitude and log-magnitude terms only). */
export function lossTerms(fn: string, o: SpectralLossOptions) {
  const st = spectralLossSettings(fn, o);
  for (const k of CPU_ONLY) {
    if (st[k] !== 0) fail(fn, `opts.${k} is not on the GPU yet: only the magnitude and log-magnitude terms run there (use makeSpectralLoss on the CPU)`);
  }
  const terms: LossTerms = { wMag: st.magWeight, wLog: st.logmagWeight, l1: st.lossType === 'L1', offset: st.logForm === 'offset', eps: st.logEps };
  return { st, terms };
}

/** The loss against `targets` [B, N] (already on the device or uploaded as float32). */
export async function deviceLoss(dev: Device, fn: string, targets: Buf, B: number, N: number, o: SpectralLossOptions): Promise<DeviceLoss> {
  const { st, terms } = lossTerms(fn, o);
  const scales: { d: DftPlan; mt: Buf }[] = [];
  for (const size of st.fftSizes) {
    const d = dftPlan(stftGeometry(fn, N, framingOptions(size, st.overlap, st.framing)));
    const X = await spectra(dev, d, targets, N, B);
    scales.push({ d, mt: await magnitudes(dev, d, X, B) });
    dev.free(X);
  }
  let freed = false;
  return {
    B,
    N,
    async evaluate(audio, withGrad) {
      if (freed) fail(fn, 'this loss has been freed');
      const values = new Array<number>(B).fill(0);
      let acc: Buf | null = withGrad ? new Float32Array(B * N) : null;
      // Every scale's kernels are queued before anything is read back (one wait, not one per scale).
      const perScale: Buf[] = [];
      for (const { d, mt } of scales) {
        const X = await spectra(dev, d, audio, N, B);
        perScale.push(await frameLosses(dev, d, X, mt, terms, B));
        if (acc) {
          const next = await lossGrad(dev, d, X, mt, terms, acc, N, B);
          dev.free(acc);
          acc = next;
        }
        dev.free(X);
      }
      for (let i = 0; i < scales.length; i++) {
        const per = await dev.read(perScale[i]);
        dev.free(perScale[i]);
        const nF = scales[i].d.g.nFrames;
        for (let b = 0; b < B; b++) for (let f = 0; f < nF; f++) values[b] += per[b * nF + f];
      }
      return { values, grad: acc };
    },
    free() {
      if (!freed) for (const s of scales) dev.free(s.mt);
      freed = true;
    },
  };
}
