/** The prior over YIN thresholds that `pyin` uses (internal; not re-exported). */

/** Probabilities of the n intervals [k/n, (k+1)/n) under Beta(a, b), by Simpson's rule on the density (a, b ≥ 1). */
export function betaIntervalProbs(n: number, a: number, b: number): Float64Array {
  const out = new Float64Array(n);
  const m = 64; // Simpson panels per interval
  const pdf = (x: number) => (x <= 0 ? (a === 1 ? 1 : 0) : x >= 1 ? (b === 1 ? 1 : 0) : Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x)));
  let total = 0;
  for (let k = 0; k < n; k++) {
    const x0 = k / n;
    const h = 1 / (n * m);
    let s = pdf(x0) + pdf((k + 1) / n);
    for (let i = 1; i < m; i++) s += (i % 2 === 1 ? 4 : 2) * pdf(x0 + i * h);
    out[k] = (s * h) / 3;
    total += out[k];
  }
  for (let k = 0; k < n; k++) out[k] /= total;
  return out;
}
