export * from './optimizers.ts';
export * from './schedules.ts';
export * from './fit.ts';
export { saveCheckpoint, loadCheckpoint, listCheckpoints, type CheckpointData } from './checkpoint.ts';
export * from './loop.ts';
export * from './parallel.ts';
export * from './autoencoderTrain.ts';
