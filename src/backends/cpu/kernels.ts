/**
 * The CPU kernels: each named hot loop of the library, over row-major `[n, c]` Float64Arrays.
 * Ops validate and allocate, then call one of these; a backend (gpu.js, a later issue) can
 * replace a kernel by name without touching the op. These loops are the specification.
 */

/** out[i,c] = Σ_{m≤i} x[m,c] (inclusive running sum along time). */
export function cumsumKernel(x: Float64Array, n: number, c: number, out: Float64Array): void {
  if (c === 1) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += x[i];
      out[i] = s;
    }
    return;
  }
  for (let j = 0; j < c; j++) out[j] = x[j];
  for (let i = 1, k = c; i < n; i++) for (let j = 0; j < c; j++, k++) out[k] = out[k - c] + x[k];
}

/** out[i,c] = Σ_{m≥i} g[m,c] (the adjoint of cumsum: a reverse running sum). */
export function reverseCumsumKernel(g: Float64Array, n: number, c: number, out: Float64Array): void {
  if (n === 0) return;
  if (c === 1) {
    let s = 0;
    for (let i = n - 1; i >= 0; i--) {
      s += g[i];
      out[i] = s;
    }
    return;
  }
  const last = (n - 1) * c;
  for (let j = 0; j < c; j++) out[last + j] = g[last + j];
  for (let k = last - 1; k >= 0; k--) out[k] = out[k + c] + g[k];
}

/** How {@link interpKernel} reads the source position p = i·scale. */
export const Tap = {
  /** (1 − w)·x[⌊p⌋] + w·x[⌊p⌋ + 1], w = p − ⌊p⌋ (clamped at the last frame). */
  Linear: 0,
  /** x[⌊p⌋]. */
  NearestFloor: 1,
  /** x[round(p)] (half up). */
  NearestRound: 2,
} as const;
export type Tap = (typeof Tap)[keyof typeof Tap];

/**
 * Two-tap interpolation along time: out[i,:] reads source position p = i·scale of x
 * (`nIn` frames of `c` channels) by `mode`. Linear and nearest resampling are this loop.
 */
export function interpKernel(
  x: Float64Array,
  nIn: number,
  c: number,
  scale: number,
  mode: Tap,
  nOut: number,
  out: Float64Array,
): void {
  const last = nIn - 1;
  for (let i = 0, k = 0; i < nOut; i++) {
    const p = i * scale;
    let lo = mode === Tap.NearestRound ? Math.round(p) : Math.floor(p);
    if (lo > last) lo = last;
    if (mode !== Tap.Linear) {
      const l = lo * c;
      for (let j = 0; j < c; j++, k++) out[k] = x[l + j];
      continue;
    }
    const hi = lo < last ? lo + 1 : last;
    const w = p - lo;
    if (c === 1) {
      out[k++] = x[lo] + w * (x[hi] - x[lo]);
      continue;
    }
    const l = lo * c;
    const h = hi * c;
    for (let j = 0; j < c; j++, k++) out[k] = x[l + j] + w * (x[h + j] - x[l + j]);
  }
}

/** The adjoint of {@link interpKernel}: scatter-add g into out (`nIn` frames, zeroed by the caller). */
export function interpAdjointKernel(
  g: Float64Array,
  nIn: number,
  c: number,
  scale: number,
  mode: Tap,
  nOut: number,
  out: Float64Array,
): void {
  const last = nIn - 1;
  for (let i = 0, k = 0; i < nOut; i++) {
    const p = i * scale;
    let lo = mode === Tap.NearestRound ? Math.round(p) : Math.floor(p);
    if (lo > last) lo = last;
    const l = lo * c;
    if (mode !== Tap.Linear) {
      for (let j = 0; j < c; j++, k++) out[l + j] += g[k];
      continue;
    }
    const hi = lo < last ? lo + 1 : last;
    const w = p - lo;
    const h = hi * c;
    for (let j = 0; j < c; j++, k++) {
      out[l + j] += (1 - w) * g[k];
      out[h + j] += w * g[k];
    }
  }
}

/**
 * The windowed upsampler's interpolation without index tables: sample n = j·hop + t lies
 * between frames j and j+1 with crossfade weight alpha[t] (x has the endpoint appended if wanted).
 */
export function windowUpsampleKernel(
  x: Float64Array,
  c: number,
  hop: number,
  nIntervals: number,
  alpha: Float64Array,
  out: Float64Array,
): void {
  if (c === 1) {
    for (let j = 0, n = 0; j < nIntervals; j++) {
      const a = x[j];
      const d = x[j + 1] - a;
      for (let t = 0; t < hop; t++, n++) out[n] = a + alpha[t] * d;
    }
    return;
  }
  for (let j = 0, k = 0; j < nIntervals; j++) {
    const base = j * c;
    for (let t = 0; t < hop; t++) {
      const at = alpha[t];
      for (let ch = 0; ch < c; ch++, k++) out[k] = x[base + ch] + at * (x[base + c + ch] - x[base + ch]);
    }
  }
}

/** The adjoint of {@link windowUpsampleKernel}; out has nIntervals + 1 frames, zeroed by the caller. */
export function windowUpsampleAdjointKernel(
  g: Float64Array,
  c: number,
  hop: number,
  nIntervals: number,
  alpha: Float64Array,
  out: Float64Array,
): void {
  for (let j = 0, k = 0; j < nIntervals; j++) {
    const base = j * c;
    for (let t = 0; t < hop; t++) {
      const at = alpha[t];
      for (let ch = 0; ch < c; ch++, k++) {
        out[base + ch] += (1 - at) * g[k];
        out[base + c + ch] += at * g[k];
      }
    }
  }
}
