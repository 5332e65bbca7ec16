/**
 * Optimizers as pure `init`/`update` pairs (optax's shape). `update(grads, state, params)`
 * returns `[updates, newState]`; apply with {@link applyUpdates}. Nothing is mutated, so a
 * state can be kept, copied or checkpointed freely.
 */
import { checkBoolean, checkNumber, checkPositive, fail, readOptions, within } from '../core/errors.ts';
import { treeDot, treeLeaves, treeMap, treeScale, zerosLike, type Params, type Tree } from '../core/tree.ts';
import type { Schedule } from './schedules.ts';

export interface GradientTransformation<S = unknown> {
  init(params: Params): S;
  update(grads: Params, state: S, params?: Params): readonly [updates: Params, state: S];
}

function rateOf(fn: string, lr: number | Schedule): Schedule {
  if (typeof lr === 'function') return lr;
  checkPositive(fn, 'opts.learningRate', lr);
  return () => lr;
}

function checkGrads(fn: string, grads: Params): void {
  for (const g of treeLeaves(grads)) {
    for (let i = 0; i < g.length; i++) {
      if (!Number.isFinite(g[i])) fail(fn, `grads contain ${g[i]}; expected finite gradients (check the loss for NaN/Infinity)`);
    }
  }
}

/** params + updates. */
export function applyUpdates<P extends Params>(params: P, updates: Params): P {
  if (typeof params !== 'object' || params === null) fail('applyUpdates', `params must be a record of parameters (got ${params === null ? 'null' : typeof params})`);
  if (typeof updates !== 'object' || updates === null) fail('applyUpdates', `updates must be a record like params (got ${updates === null ? 'null' : typeof updates})`);
  return within('applyUpdates', () => treeMap(([p, u]) => {
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = p[i] + u[i];
    return out;
  }, [params, updates])) as P;
}

export interface SgdOptions {
  learningRate: number | Schedule;
  /** Heavy-ball momentum in [0, 1). Default 0. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

export interface SgdState {
  count: number;
  velocity: Params | undefined;
}

/**
 * Stochastic gradient descent: u = −lr·g, or with momentum v ← μv + g, u = −lr·v
 * (Nesterov: u = −lr·(g + μv)).
 * @example const opt = sgd({ learningRate: 0.1 });
 */
export function sgd(opts: SgdOptions): GradientTransformation<SgdState> {
  if (opts === undefined) fail('sgd', 'opts.learningRate is required, e.g. sgd({ learningRate: 0.01 })');
  const { momentum = 0, nesterov = false } = readOptions('sgd', opts, ['learningRate', 'momentum', 'nesterov']);
  const lr = rateOf('sgd', opts.learningRate);
  checkBoolean('sgd', 'opts.nesterov', nesterov);
  checkNumber('sgd', 'opts.momentum', momentum);
  if (momentum < 0 || momentum >= 1) fail('sgd', `opts.momentum must be in [0, 1) (got ${momentum})`);
  return {
    init: (params) => ({ count: 0, velocity: momentum > 0 ? zerosLike(params) : undefined }),
    update(grads, state) {
      checkGrads('sgd', grads);
      const rate = lr(state.count);
      if (state.velocity === undefined) return [treeScale(grads, -rate), { count: state.count + 1, velocity: undefined }];
      const velocity = treeMap(([v, g]) => {
        const out = new Float64Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = momentum * v[i] + g[i];
        return out;
      }, [state.velocity, grads]) as Params;
      const updates = treeMap(([v, g]) => {
        const out = new Float64Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = -rate * (nesterov ? g[i] + momentum * v[i] : v[i]);
        return out;
      }, [velocity, grads]) as Params;
      return [updates, { count: state.count + 1, velocity }];
    },
  };
}

export interface AdamOptions {
  /** Default 3e-4 (DDSP). A number or a {@link Schedule}. */
  learningRate?: number | Schedule;
  /** Default 0.9. */
  b1?: number;
  /** Default 0.999. */
  b2?: number;
  /** Default 1e-7 (Keras, as DDSP trains; optax uses 1e-8). */
  eps?: number;
}

export interface AdamState {
  count: number;
  mu: Params;
  nu: Params;
}

/**
 * Adam with bias correction (Kingma & Ba):
 *   m ← b1·m + (1−b1)·g,  v ← b2·v + (1−b2)·g²,  m̂ = m/(1−b1ᵗ),  v̂ = v/(1−b2ᵗ),
 *   u = −lr(t−1)·m̂/(√v̂ + eps).
 * @example const opt = adam({ learningRate: 1e-3 }); let s = opt.init(params);
 */
export function adam(opts: AdamOptions = {}): GradientTransformation<AdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-7 } = readOptions('adam', opts, ['learningRate', 'b1', 'b2', 'eps']);
  const lr = rateOf('adam', opts?.learningRate ?? 3e-4);
  for (const [k, v] of Object.entries({ b1, b2 })) {
    if (!(v >= 0 && v < 1)) fail('adam', `opts.${k} must be in [0, 1) (got ${v})`);
  }
  checkPositive('adam', 'opts.eps', eps);
  return {
    init: (params) => ({ count: 0, mu: zerosLike(params), nu: zerosLike(params) }),
    update(grads, state) {
      checkGrads('adam', grads);
      const t = state.count + 1;
      const rate = lr(state.count);
      const c1 = 1 - Math.pow(b1, t);
      const c2 = 1 - Math.pow(b2, t);
      const mu = treeMap(([m, g]) => {
        const out = new Float64Array(m.length);
        for (let i = 0; i < m.length; i++) out[i] = b1 * m[i] + (1 - b1) * g[i];
        return out;
      }, [state.mu, grads]) as Params;
      const nu = treeMap(([v, g]) => {
        const out = new Float64Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        return out;
      }, [state.nu, grads]) as Params;
      const updates = treeMap(([m, v]) => {
        const out = new Float64Array(m.length);
        for (let i = 0; i < m.length; i++) out[i] = (-rate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        return out;
      }, [mu, nu]) as Params;
      return [updates, { count: t, mu, nu }];
    },
  };
}

/** √(Σ g²) over every leaf of a tree. */
export function globalNorm(t: Tree): number {
  if (typeof t !== 'object' || t === null) fail('globalNorm', `t must be a tree of Float64Arrays (got ${t === null ? 'null' : typeof t})`);
  return Math.sqrt(within('globalNorm', () => treeDot(t, t)));
}

/**
 * Scale the gradients so that their global norm is at most `maxNorm` (tf.clip_by_global_norm):
 * g ← g · maxNorm / max(‖g‖, maxNorm). DDSP clips at 3.0.
 * @example compose(clipByGlobalNorm(3), adam())
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  checkPositive('clipByGlobalNorm', 'maxNorm', maxNorm);
  return {
    init: () => null,
    update(grads, state) {
      const norm = globalNorm(grads);
      return [norm > maxNorm ? treeScale(grads, maxNorm / norm) : grads, state];
    },
  };
}

/**
 * Run transformations in order, each on the previous one's output (optax.chain).
 * @example const opt = compose(clipByGlobalNorm(3), adam({ learningRate: 3e-4 }));
 */
export function compose(...ts: GradientTransformation<any>[]): GradientTransformation<unknown[]> {
  ts.forEach((t, i) => {
    if (typeof t?.init !== 'function' || typeof t?.update !== 'function') fail('compose', `argument ${i} is not a gradient transformation`);
  });
  return {
    init: (params) => ts.map((t) => t.init(params)),
    update(grads, state, params) {
      let g = grads;
      const next = ts.map((t, i) => {
        const [u, s] = t.update(g, state[i], params);
        g = u;
        return s;
      });
      return [g, next];
    },
  };
}
