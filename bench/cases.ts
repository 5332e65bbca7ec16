/** Shared benchmark inputs and baselines. */
const SR = 16000;

export function noise(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  });
}

/** 4 s at 16 kHz, 1000 frames, 100 harmonics, f0 55–75 Hz (every harmonic below Nyquist). */
export function harmonicCase() {
  const T = 64000;
  const F = 1000;
  const K = 100;
  return {
    T, F, K,
    amp: noise(F, 1, 0.2, 1),
    dist: noise(F * K, 2, 0, 1),
    f0: noise(F, 3, 55, 75),
    opts: { nSamples: T, sampleRate: SR },
    g: noise(T, 4),
  };
}

/**
 * DDSP's way: materialise [T, K] frequency and amplitude envelopes (linear resample of f0·k,
 * Hann-window upsampling of the amplitudes), accumulate [T, K] phases, call Math.sin on each.
 */
export function ddspHarmonic(amp: Float64Array, dist: Float64Array, f0: Float64Array, F: number, K: number, T: number): Float64Array {
  const hop = T / F;
  const freqs = new Float64Array(T * K);
  const amps = new Float64Array(T * K);
  for (let n = 0; n < T; n++) {
    const j = Math.floor(n / hop);
    const j1 = Math.min(j + 1, F - 1);
    const u = (n - j * hop) / hop;
    const a = 0.5 - 0.5 * Math.cos(Math.PI * u);
    const f = f0[j] + u * (f0[j1] - f0[j]);
    for (let k = 0; k < K; k++) {
      freqs[n * K + k] = f * (k + 1);
      const h0 = amp[j] * dist[j * K + k];
      const h1 = amp[j1] * dist[j1 * K + k];
      amps[n * K + k] = h0 + a * (h1 - h0);
    }
  }
  const phases = new Float64Array(T * K);
  for (let k = 0; k < K; k++) {
    let p = 0;
    for (let n = 0; n < T; n++) phases[n * K + k] = p += (2 * Math.PI * freqs[n * K + k]) / SR;
  }
  const out = new Float64Array(T);
  for (let n = 0; n < T; n++) {
    let y = 0;
    for (let k = 0; k < K; k++) if (freqs[n * K + k] < SR / 2) y += amps[n * K + k] * Math.sin(phases[n * K + k]);
    out[n] = y;
  }
  return out;
}
