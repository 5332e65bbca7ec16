/**
 * Scratch buffers for kernels' intermediates, reused across calls instead of allocated per call
 * (internal; not exported from the package). A buffer belongs to one call site (its key) and is
 * only valid until that site runs again, so it must never be returned or kept. Each thread has its
 * own. Buffers above 2^22 values (32 MiB) are not kept, so a one-off long signal does not pin memory.
 */
const buffers = new Map<string, Float64Array>();
const MAX_KEPT = 2 ** 22;

/** A buffer of exactly n values for call site `key`, zeroed unless `zero` is false. */
export function scratch(key: string, n: number, zero = true): Float64Array {
  if (n > MAX_KEPT) return new Float64Array(n);
  let b = buffers.get(key);
  if (b === undefined || b.length < n) {
    b = new Float64Array(n);
    buffers.set(key, b);
    return b;
  }
  const v = b.length === n ? b : b.subarray(0, n);
  if (zero) v.fill(0);
  return v;
}
