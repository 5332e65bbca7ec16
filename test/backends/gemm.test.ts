import { describe, expect, it } from 'vitest';
import { gemm, gemmNaive, type Transpose } from '../../src/backends/cpu/gemm.ts';
import { randomArray } from '../helpers.ts';

describe('gemm', () => {
  it('equals the naive triple loop for every transpose combination and awkward sizes', () => {
    let seed = 1;
    for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [4, 4, 4], [13, 9, 130], [5, 600, 3], [7, 2, 300], [0, 3, 2], [3, 0, 2], [3, 2, 0]]) {
      for (const ta of ['N', 'T'] as Transpose[]) {
        for (const tb of ['N', 'T'] as Transpose[]) {
          const A = randomArray(M * K, seed++);
          const B = randomArray(K * N, seed++);
          const want = new Float64Array(M * N);
          gemmNaive(ta, tb, M, N, K, A, B, want);
          const got = new Float64Array(M * N).fill(NaN);
          gemm(ta, tb, M, N, K, A, 0, ta === 'N' ? K : M, B, 0, tb === 'N' ? N : K, 0, got, 0, N);
          for (let i = 0; i < M * N; i++) expect(got[i]).toBeCloseTo(want[i], 12);
        }
      }
    }
  });
  it('accumulates with β, and works on sub-blocks through offsets and row strides', () => {
    // A is the 3×4 block at row 1, column 2 of a 5×8 array; C the 3×2 block at (1, 1) of a 4×5 array.
    const big = randomArray(40, 7);
    const B = randomArray(8, 8);
    const C = randomArray(20, 9);
    const C0 = C.slice();
    gemm('N', 'N', 3, 2, 4, big, 8 + 2, 8, B, 0, 2, 0.5, C, 5 + 1, 5);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += big[(i + 1) * 8 + 2 + k] * B[k * 2 + j];
        expect(C[(i + 1) * 5 + 1 + j]).toBeCloseTo(0.5 * C0[(i + 1) * 5 + 1 + j] + s, 12);
      }
    }
    // Entries outside the block are untouched.
    expect(C[0]).toBe(C0[0]);
    expect(C[19]).toBe(C0[19]);
  });
});
