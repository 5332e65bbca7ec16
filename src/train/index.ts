export * from './optimizers.ts';
export * from './schedules.ts';
export * from './fit.ts';
export * from './checkpoint.ts';
export * from './loop.ts';
