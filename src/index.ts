/**
 * ddsp: differentiable digital signal processing. Pure functions over Float64Arrays, each with
 * a hand-derived VJP, composed into graphs by combinators.
 *
 * Areas are namespaces (`core`, `spectral`, `synths`, `losses`, `io`, `train`); the graph combinators, `valueAndGrad` and the
 * gradient checkers are at the top level.
 */
export * as core from './core/index.ts';
export * as train from './train/index.ts';
export * as synths from './synths/index.ts';
export * as spectral from './spectral/index.ts';
export * as io from './io/index.ts';
export * as losses from './losses/index.ts';
export * as effects from './effects/index.ts';
export * as nn from './nn/index.ts';
export * as realtime from './realtime/index.ts';
export * from './graph/index.ts';
export { checkVjp, checkNodeVjp, checkAdjoint } from './check/index.ts';
export type { CheckVjpOptions, VjpReport, VjpTrial, CheckAdjointOptions, AdjointReport } from './check/index.ts';
export { rng, type Rng } from './check/rng.ts';
export { DdspError } from './core/errors.ts';
export { frames, type Frames, type Signal } from './core/frames.ts';
export type { Tree, Params, Cotangent, Leaf } from './core/tree.ts';
