/** `core`: types, errors, elementwise math, conversions, cumsum, resampling, pad/crop. */
export * from './errors.ts';
export * from './frames.ts';
export * from './tree.ts';
export * from './scaling.ts';
export * from './safe.ts';
export * from './units.ts';
export * from './elementwise.ts';
export * from './cumsum.ts';
export * from './diff.ts';
export * from './padCrop.ts';
export * from './resample.ts';
export { sigmoid1 as sigmoid, softplus1 as softplusScalar } from './unary.ts';
