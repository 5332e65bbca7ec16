import { describe, it, expect } from 'vitest';
import { train, valueAndGrad, seq, param, primitive } from '../../src/index.ts';
import { randomArray, f64 } from '../helpers.ts';

const { adam, sgd, clipByGlobalNorm, compose, applyUpdates, exponentialDecay, fit, ddspOptimizer, globalNorm } = train;

// A small least-squares problem: minimise ½‖A·w − b‖² over w, A is 12×4.
const M = 12;
const N = 4;
const A = randomArray(M * N, 21);
// b = A·[1, −2, 0.5, 3] + noise, so the optimum is far from the start w = 0 and not exact.
const noise = randomArray(M, 22, -0.1, 0.1);
const b = Float64Array.from({ length: M }, (_, i) => [1, -2, 0.5, 3].reduce((s, w, j) => s + A[i * N + j] * w, noise[i]));
const residual = (w: Float64Array) => {
  const r = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let s = -b[i];
    for (let j = 0; j < N; j++) s += A[i * N + j] * w[j];
    r[i] = s;
  }
  return r;
};
// A user-defined op with its hand-written VJP: loss = ½‖Aw − b‖², ∇ = Aᵀ(Aw − b).
const lsq = primitive({
  name: 'leastSquares',
  forward: (w: Float64Array) => Float64Array.of(0.5 * residual(w).reduce((s, v) => s + v * v, 0)),
  vjp: (w: Float64Array) => {
    const r = residual(w);
    return [
      Float64Array.of(0.5 * r.reduce((s, v) => s + v * v, 0)),
      (g: Float64Array) => {
        const gw = new Float64Array(N);
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) gw[j] += g[0] * A[i * N + j] * r[i];
        return gw;
      },
    ];
  },
});
const vg = valueAndGrad(seq(param('w'), lsq as never));

// The optimum from the normal equations AᵀA w = Aᵀb, solved by Gaussian elimination.
function solveNormal(): Float64Array {
  const G = Array.from({ length: N }, (_, r) => Array.from({ length: N + 1 }, (_, c) => {
    let s = 0;
    for (let i = 0; i < M; i++) s += A[i * N + r] * (c < N ? A[i * N + c] : b[i]);
    return s;
  }));
  for (let c = 0; c < N; c++) {
    for (let r = c + 1; r < N; r++) {
      const f = G[r][c] / G[c][c];
      for (let k = c; k <= N; k++) G[r][k] -= f * G[c][k];
    }
  }
  const w = new Float64Array(N);
  for (let r = N - 1; r >= 0; r--) {
    let s = G[r][N];
    for (let k = r + 1; k < N; k++) s -= G[r][k] * w[k];
    w[r] = s / G[r][r];
  }
  return w;
}

describe('adam', () => {
  it('reduces a least-squares problem to near its optimum', () => {
    const wStar = solveNormal();
    const best = vg(undefined, { w: wStar }).value;
    const { params, losses } = fit({
      valueAndGrad: (p) => vg(undefined, p),
      params: { w: new Float64Array(N) },
      optimizer: adam({ learningRate: exponentialDecay({ initial: 0.05, decaySteps: 500, decayRate: 0.5 }) }),
      steps: 3000,
    });
    const final = vg(undefined, params).value;
    expect(losses[0]).toBeGreaterThan(best + 0.5);
    expect(final - best).toBeLessThan(1e-8 * (1 + losses[0]));
    const w = params.w as Float64Array;
    for (let j = 0; j < N; j++) expect(w[j]).toBeCloseTo(wStar[j], 4);
  });

  it('takes a first step of exactly lr·sign(g) (bias correction)', () => {
    const opt = adam({ learningRate: 0.1, eps: 1e-12 });
    const params = { w: f64(0, 0, 0) };
    const [u] = opt.update({ w: f64(3, -0.02, 5e-4) }, opt.init(params));
    expect(Array.from(u.w as Float64Array).map((v) => +v.toFixed(9))).toEqual([-0.1, 0.1, -0.1]);
  });

  it('does not mutate params, grads or state', () => {
    const opt = adam();
    const params = { w: f64(1, 2) };
    const grads = { w: f64(0.5, -0.5) };
    const s0 = opt.init(params);
    const [u, s1] = opt.update(grads, s0);
    applyUpdates(params, u);
    expect(params.w).toEqual(f64(1, 2));
    expect(grads.w).toEqual(f64(0.5, -0.5));
    expect(s0.count).toBe(0);
    expect(s0.mu.w).toEqual(f64(0, 0));
    expect(s1.count).toBe(1);
  });

  it('rejects non-finite gradients with a clear message', () => {
    const opt = adam();
    expect(() => opt.update({ w: f64(NaN) }, opt.init({ w: f64(0) }))).toThrow('adam: grads contain NaN');
  });
});

describe('sgd', () => {
  it('steps by −lr·g, and with momentum accumulates velocity', () => {
    const [u] = sgd({ learningRate: 0.5 }).update({ w: f64(2) }, sgd({ learningRate: 0.5 }).init({ w: f64(0) }));
    expect(u.w).toEqual(f64(-1));
    const m = sgd({ learningRate: 1, momentum: 0.5 });
    let s = m.init({ w: f64(0) });
    let step;
    [step, s] = m.update({ w: f64(1) }, s);
    [step, s] = m.update({ w: f64(1) }, s);
    expect(step.w).toEqual(f64(-1.5));
  });
  it('also solves the least-squares problem', () => {
    const { params } = fit({ valueAndGrad: (p) => vg(undefined, p), params: { w: new Float64Array(N) }, optimizer: sgd({ learningRate: 0.02, momentum: 0.9 }), steps: 2000 });
    const wStar = solveNormal();
    for (let j = 0; j < N; j++) expect((params.w as Float64Array)[j]).toBeCloseTo(wStar[j], 5);
  });
});

describe('clipByGlobalNorm, compose and schedules', () => {
  it('clips to the global norm over all leaves and leaves small gradients alone', () => {
    const clip = clipByGlobalNorm(3);
    const [u] = clip.update({ a: f64(3, 0), b: { c: f64(4) } }, null);
    expect(globalNorm(u)).toBeCloseTo(3, 14);
    expect((u as any).a[0]).toBeCloseTo(9 / 5, 15);
    expect((u as any).a[1]).toBe(0);
    expect((u as any).b.c[0]).toBeCloseTo(12 / 5, 15);
    const [v] = clip.update({ a: f64(1, 1) }, null);
    expect(v).toEqual({ a: f64(1, 1) });
  });
  it('compose runs transformations in order', () => {
    const opt = compose(clipByGlobalNorm(1), sgd({ learningRate: 2 }));
    const [u] = opt.update({ w: f64(30, 40) }, opt.init({ w: f64(0, 0) }));
    expect(Array.from(u.w as Float64Array)).toEqual([-1.2, -1.6]);
  });
  it('exponentialDecay is continuous by default and stepwise with staircase', () => {
    const lr = exponentialDecay({ initial: 3e-4, decaySteps: 10000, decayRate: 0.98 });
    expect(lr(0)).toBe(3e-4);
    expect(lr(10000)).toBeCloseTo(3e-4 * 0.98, 18);
    expect(lr(5000)).toBeCloseTo(3e-4 * Math.sqrt(0.98), 18);
    expect(exponentialDecay({ initial: 1, decaySteps: 10, decayRate: 0.5, staircase: true })(19)).toBe(0.5);
  });
  it('ddspOptimizer is clip 3 then Adam 3e-4', () => {
    const opt = ddspOptimizer();
    const [u] = opt.update({ w: f64(100, 0) }, opt.init({ w: f64(0, 0) }));
    expect((u.w as Float64Array)[0]).toBeCloseTo(-3e-4, 9);
  });
});

describe('fit', () => {
  it('reports progress, can stop early, and names a NaN loss', () => {
    const seen: number[] = [];
    const r = fit({
      valueAndGrad: (p) => vg(undefined, p),
      params: { w: new Float64Array(N) },
      optimizer: adam({ learningRate: 0.01 }),
      steps: 100,
      logEvery: 10,
      onProgress: (p) => {
        seen.push(p.step);
        return p.step < 30;
      },
    });
    expect(seen).toEqual([10, 20, 30]);
    expect(r.losses).toHaveLength(30);
    expect(() => fit({ valueAndGrad: () => ({ value: NaN, grad: { w: f64(0) } }), params: { w: f64(0) }, optimizer: adam(), steps: 3 })).toThrow(
      'fit: loss is NaN at step 0',
    );
  });
});
