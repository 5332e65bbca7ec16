export * from './checkVjp.ts';
export * from './rng.ts';
