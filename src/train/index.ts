export * from './optimizers.ts';
export * from './schedules.ts';
export * from './fit.ts';
