/**
 * DDSP's reverb, y = x + (x ⊛ ir′) with ir′[0] = 0 (effects.reverb), sample by sample with no
 * latency and no allocation after construction: a uniformly partitioned convolution. The IR's
 * first partition (P = 128 taps) runs directly on each sample; each later partition p contributes
 * to block b only through input blocks before b, so at every block boundary one FFT of the last
 * 2P inputs joins a frequency-domain delay line, Σ_p Z_{b−p}·H_p is accumulated and inverse-
 * transformed, and its overlap-save half is the tail added to the block's P outputs.
 * Internal: the voice owns one (realtime.harmonicNoiseVoice's `reverbIr`).
 */
import { irfftInto, rfftInto } from '../spectral/fftCore.ts';

export interface ReverbStream {
  /** The next output sample for input sample x. */
  next(x: number): number;
}

const P = 128;

export function reverbStream(ir: Float64Array): ReverbStream {
  const L = ir.length;
  const M = Math.max(1, Math.ceil(L / P)); // partitions, the first direct
  const n2 = 2 * P;
  const bins = 2 * (P + 1); // interleaved re/im of P + 1 bins
  // Partition 0, direct, with ir′[0] = 0.
  const h0 = new Float64Array(P);
  for (let i = 1; i < Math.min(P, L); i++) h0[i] = ir[i];
  // Later partitions' spectra: FFT_{2P} of [h_p, 0…0].
  const H = new Float64Array(Math.max(0, M - 1) * bins);
  const pad = new Float64Array(n2);
  const spec = new Float64Array(2 * n2);
  for (let p = 1; p < M; p++) {
    pad.fill(0);
    for (let i = 0; i < P && p * P + i < L; i++) pad[i] = ir[p * P + i];
    rfftInto(pad, n2, spec);
    H.set(spec.subarray(0, bins), (p - 1) * bins);
  }
  // Input history: a mirrored ring of 2P samples (each written at q and q + 2P), so the last 2P
  // inputs lie contiguous ending at q + 2P.
  const ring = new Float64Array(2 * n2);
  let q = n2 - 1;
  // The frequency-domain delay line of input spectra Z_k, newest at `head`.
  const fdl = new Float64Array(Math.max(0, M - 1) * bins);
  let head = 0;
  const acc = new Float64Array(bins);
  const out = new Float64Array(n2);
  const tail = new Float64Array(P);
  let t = 0; // position in the current block
  let blocks = 0;

  /** At the start of a block: the tail from every input block before it. */
  function boundary(): void {
    if (M === 1) return;
    // Z of the last 2P inputs (blocks b−2 and b−1) into the delay line.
    head = head === 0 ? M - 2 : head - 1;
    rfftInto(ring, n2, spec, q + 1, n2);
    fdl.set(spec.subarray(0, bins), head * bins);
    acc.fill(0);
    const avail = Math.min(M - 1, blocks);
    for (let p = 1; p <= avail; p++) {
      const z = ((head + p - 1) % (M - 1)) * bins;
      const h = (p - 1) * bins;
      for (let k = 0; k < bins; k += 2) {
        const zr = fdl[z + k];
        const zi = fdl[z + k + 1];
        const hr = H[h + k];
        const hi = H[h + k + 1];
        acc[k] += zr * hr - zi * hi;
        acc[k + 1] += zr * hi + zi * hr;
      }
    }
    irfftInto(acc, n2, out);
    for (let i = 0; i < P; i++) tail[i] = out[P + i];
  }

  return {
    next(x: number): number {
      if (t === 0 && blocks > 0) boundary();
      q = q + 1 === n2 ? 0 : q + 1;
      ring[q] = x;
      ring[q + n2] = x;
      const newest = q + n2;
      let y = x + (blocks > 0 && M > 1 ? tail[t] : 0);
      for (let i = 1; i < P; i++) y += ring[newest - i] * h0[i];
      t++;
      if (t === P) {
        t = 0;
        blocks++;
      }
      return y;
    },
  };
}
