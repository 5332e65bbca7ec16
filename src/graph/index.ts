export * from './node.ts';
export * from './combinators.ts';
export * from './valueAndGrad.ts';
export * from './ops.ts';
export * from './synthNodes.ts';
export * from './lossNodes.ts';
export * from './effectNodes.ts';
