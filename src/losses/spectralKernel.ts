/**
 * The fused kernel of the spectral loss's two common terms, magnitude and log magnitude, at one
 * FFT size: forward and gradient in one sweep over frames, with nothing stored per frame.
 *
 * The loss is a sum over bins of a function of each bin's magnitude, so frame t's gradient needs
 * only frame t's spectrum: rfft the windowed frame, compare each bin with the target, form the
 * spectrum's cotangent Ḡ_k = c_k·X_k/|X_k| right away, irfft it and overlap-add it into the
 * sample gradient. No spectra, magnitudes or per-term temporaries are kept (DDSP's graph keeps
 * all three); the target is either cached (magnitudes and logs per bin) or transformed frame by
 * frame beside the value. Scratch buffers are reused across calls of the same FFT size.
 *
 * Internal: inputs are validated by the public entries (spectralLoss, makeSpectralLoss).
 */
import { irfftInto, rfftInto } from '../spectral/fftCore.ts';
import type { StftGeometry } from '../spectral/stft.ts';

/** What the kernel computes at one scale. */
export interface KernelTerms {
  magWeight: number;
  logmagWeight: number;
  l1: boolean;
  /** log(S + eps) (true) or DDSP's safe log (S > 0 ? log S : log eps). */
  offset: boolean;
  eps: number;
}

/** The target at one scale: its samples (transformed per frame) or cached per-bin values. */
export type KernelTarget =
  | { kind: 'signal'; x: Float64Array }
  | { kind: 'cached'; mag: Float64Array; log: Float64Array | null };

interface Scratch {
  buf: Float64Array;
  bufT: Float64Array;
  spec: Float64Array;
  specT: Float64Array;
  gspec: Float64Array;
  y: Float64Array;
}

const scratches = new Map<number, Scratch>();

function scratch(n: number): Scratch {
  let s = scratches.get(n);
  if (s === undefined) {
    s = {
      buf: new Float64Array(n),
      bufT: new Float64Array(n),
      // rfftInto writes straight into a 2n-long array (fft.js's workspace) without a copy.
      spec: new Float64Array(2 * n),
      specT: new Float64Array(2 * n),
      gspec: new Float64Array(n + 2),
      y: new Float64Array(n),
    };
    if (scratches.size > 24) scratches.clear();
    scratches.set(n, s);
  }
  return s;
}

/** Window frame t of x into buf (zeros outside the signal). */
function windowed(x: Float64Array, g: StftGeometry, t: number, buf: Float64Array): void {
  const s = t * g.hop - g.padLeft;
  const lo = Math.max(0, -s);
  const hi = Math.min(g.frameSize, x.length - s);
  const w = g.window;
  if (lo > 0 || hi < g.fftSize) buf.fill(0);
  for (let i = lo; i < hi; i++) buf[i] = w[i] * x[s + i];
}

/**
 * The unweighted mean differences of the two terms at this scale, { mag, logmag } (0 for a term
 * whose weight is 0), and, when `grad` is given, the weighted terms' gradient added into it.
 */
export function scaleKernel(
  x: Float64Array,
  target: KernelTarget,
  g: StftGeometry,
  terms: KernelTerms,
  grad: Float64Array | null,
): { mag: number; logmag: number } {
  const { fftSize: n, nFrames, bins, hop, padLeft, frameSize, window: w } = g;
  const { magWeight, logmagWeight, l1, offset, eps } = terms;
  const sc = scratch(n);
  const { buf, bufT, spec, specT, gspec, y } = sc;
  const count = nFrames * bins;
  const km = count ? magWeight / count : 0;
  const kl = count ? logmagWeight / count : 0;
  const doMag = magWeight !== 0;
  const doLog = logmagWeight !== 0;
  const cached = target.kind === 'cached' ? target : null;
  const tx = target.kind === 'signal' ? target.x : null;
  const half = n / 2;
  let accM = 0;
  let accL = 0;
  for (let t = 0; t < nFrames; t++) {
    windowed(x, g, t, buf);
    rfftInto(buf, n, spec);
    if (tx) {
      windowed(tx, g, t, bufT);
      rfftInto(bufT, n, specT);
    }
    const row = t * bins;
    for (let k = 0; k < bins; k++) {
      const re = spec[2 * k];
      const im = spec[2 * k + 1];
      const m = Math.sqrt(re * re + im * im);
      let mt: number;
      if (cached) mt = cached.mag[row + k];
      else {
        const a = specT[2 * k];
        const b = specT[2 * k + 1];
        mt = Math.sqrt(a * a + b * b);
      }
      let c = 0;
      if (doMag) {
        const d = m - mt;
        if (l1) {
          accM += Math.abs(d);
          c += d > 0 ? km : d < 0 ? -km : 0;
        } else {
          accM += d * d;
          c += 2 * km * d;
        }
      }
      if (doLog) {
        // The logs' arguments: S + eps, or S with eps for S = 0 (safe log).
        const av = offset ? m + eps : m > 0 ? m : eps;
        let d: number;
        if (cached && cached.log) d = Math.log(av) - cached.log[row + k];
        else {
          // One log per bin: log a − log b = log(a/b), and its sign is a's order against b.
          const at = offset ? mt + eps : mt > 0 ? mt : eps;
          d = av === at ? 0 : Math.log(av / at);
          if (d === 0 && av !== at) d = av > at ? Number.MIN_VALUE : -Number.MIN_VALUE;
        }
        let gd: number;
        if (l1) {
          accL += Math.abs(d);
          gd = d > 0 ? kl : d < 0 ? -kl : 0;
        } else {
          accL += d * d;
          gd = 2 * kl * d;
        }
        if (offset || m > 0) c += gd / av;
      }
      if (grad) {
        // Ḡ = c·X/|X| (the unit phasor first: c may be ~1/|X|), then rfft's VJP weights
        // (n/2 per bin, n at DC and Nyquist, whose imaginary parts irfft ignores).
        const inv = m > 0 ? 1 / m : 0;
        const wk = k === 0 || k === bins - 1 ? n : half;
        gspec[2 * k] = c * (re * inv) * wk;
        gspec[2 * k + 1] = c * (im * inv) * wk;
      }
    }
    if (grad) {
      irfftInto(gspec, n, y);
      const s = t * hop - padLeft;
      const lo = Math.max(0, -s);
      const hi = Math.min(frameSize, x.length - s);
      for (let i = lo; i < hi; i++) grad[s + i] += w[i] * y[i];
    }
  }
  return { mag: count ? accM / count : 0, logmag: count ? accL / count : 0 };
}
