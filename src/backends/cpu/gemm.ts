/**
 * The GEMM kernel every dense and GRU op uses (a gpu.js kernel may later replace it by name):
 *   C ← β·C + op(A)·op(B),   op(X) = X or Xᵀ,   all row-major Float64Arrays,
 * with C [M, N], op(A) [M, K], op(B) [K, N]; `aOff`/`bOff`/`cOff` offset into the arrays and
 * `lda`/`ldb`/`ldc` are row strides (so sub-blocks of larger arrays can be used in place).
 *
 * One inner kernel does all the work: C[i,j] += Σ_k A[i,k]·B[j,k], dot products of contiguous
 * rows, four rows of A against two rows of B at a time (eight running sums in registers, each
 * element loaded once per block). An operand in the other orientation is first transposed into a
 * scratch buffer (O((M + N)·K), small beside the O(M·N·K) products). Every element of C is thus
 * summed in the same order (k ascending from 0, then added to β·C) whatever M, N and the
 * transposes are, so a product computed on a sub-block of rows equals the same rows of a larger
 * one bit for bit — streaming a GRU block by block reproduces the one-shot result exactly.
 */

export type Transpose = 'N' | 'T';

/**
 * C ← β·C + op(A)·op(B). No validation: callers (the ops) check shapes before calling.
 * @example gemm('N', 'N', 2, 2, 3, a, 0, 3, b, 0, 2, 0, c, 0, 2) // c = a·b for a [2,3], b [3,2]
 */
export function gemm(
  transA: Transpose, transB: Transpose, M: number, N: number, K: number,
  A: Float64Array, aOff: number, lda: number,
  B: Float64Array, bOff: number, ldb: number,
  beta: number, C: Float64Array, cOff: number, ldc: number,
): void {
  if (beta !== 1) {
    for (let i = 0; i < M; i++) {
      const r = cOff + i * ldc;
      if (beta === 0) C.fill(0, r, r + N);
      else for (let j = 0; j < N; j++) C[r + j] *= beta;
    }
  }
  if (M === 0 || N === 0 || K === 0) return;
  // The kernel wants A as rows [M, K] and B as rows [N, K].
  if (transA === 'T') {
    A = pack(0, A, aOff, lda, K, M);
    aOff = 0;
    lda = K;
  }
  if (transB === 'N') {
    B = pack(1, B, bOff, ldb, K, N);
    bOff = 0;
    ldb = K;
  }
  rowDots(M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
}

const scratch: Float64Array[] = [new Float64Array(0), new Float64Array(0)];

/** The transpose of the R × S block at `off` (row stride ld) into scratch buffer `slot`: [S, R]. */
function pack(slot: number, X: Float64Array, off: number, ld: number, R: number, S: number): Float64Array {
  if (scratch[slot].length < R * S) scratch[slot] = new Float64Array(R * S);
  const out = scratch[slot];
  for (let r = 0; r < R; r++) {
    const row = off + r * ld;
    for (let c = 0; c < S; c++) out[c * R + r] = X[row + c];
  }
  return out;
}

/** C[i,j] += Σ_k A[i,k]·B[j,k] for A [M, K] and B [N, K] row-major: a 4 × 2 register block. */
function rowDots(
  M: number, N: number, K: number,
  A: Float64Array, aOff: number, lda: number,
  B: Float64Array, bOff: number, ldb: number,
  C: Float64Array, cOff: number, ldc: number,
): void {
  let i = 0;
  for (; i + 3 < M; i += 4) {
    const a0 = aOff + i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    let j = 0;
    for (; j + 1 < N; j += 2) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = B[b0 + k];
        const x1 = B[b1 + k];
        const y0 = A[a0 + k];
        const y1 = A[a1 + k];
        const y2 = A[a2 + k];
        const y3 = A[a3 + k];
        s00 += y0 * x0; s01 += y0 * x1;
        s10 += y1 * x0; s11 += y1 * x1;
        s20 += y2 * x0; s21 += y2 * x1;
        s30 += y3 * x0; s31 += y3 * x1;
      }
      const c = cOff + i * ldc + j;
      C[c] += s00; C[c + 1] += s01;
      C[c + ldc] += s10; C[c + ldc + 1] += s11;
      C[c + 2 * ldc] += s20; C[c + 2 * ldc + 1] += s21;
      C[c + 3 * ldc] += s30; C[c + 3 * ldc + 1] += s31;
    }
    for (; j < N; j++) {
      const b0 = bOff + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const x = B[b0 + k];
        s0 += A[a0 + k] * x; s1 += A[a1 + k] * x; s2 += A[a2 + k] * x; s3 += A[a3 + k] * x;
      }
      const c = cOff + i * ldc + j;
      C[c] += s0; C[c + ldc] += s1; C[c + 2 * ldc] += s2; C[c + 3 * ldc] += s3;
    }
  }
  // The last M mod 4 rows (all of a matrix–vector product): one row against four rows of B.
  for (; i < M; i++) {
    const a0 = aOff + i * lda;
    let j = 0;
    for (; j + 3 < N; j += 4) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const a = A[a0 + k];
        s0 += a * B[b0 + k]; s1 += a * B[b1 + k]; s2 += a * B[b2 + k]; s3 += a * B[b3 + k];
      }
      const c = cOff + i * ldc + j;
      C[c] += s0; C[c + 1] += s1; C[c + 2] += s2; C[c + 3] += s3;
    }
    for (; j < N; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
      C[cOff + i * ldc + j] += s;
    }
  }
}

/** The naive triple loop C = op(A)·op(B) (β = 0, dense rows): the specification and the benchmark baseline. */
export function gemmNaive(transA: Transpose, transB: Transpose, M: number, N: number, K: number, A: Float64Array, B: Float64Array, C: Float64Array): void {
  const aS = transA === 'N' ? K : 1;
  const aK = transA === 'N' ? 1 : M;
  const bK = transB === 'N' ? N : 1;
  const bS = transB === 'N' ? 1 : K;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[i * aS + k * aK] * B[k * bK + j * bS];
      C[i * N + j] = s;
    }
  }
}
