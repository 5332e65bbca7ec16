/**
 * `train`: optimizers, schedules, `fit`, and the autoencoder's data (examples, batch order). File
 * and thread work — checkpoints, `trainLoop`, `dataParallel`, `trainAutoencoder` — is in `ddsp/node`.
 */
export * from './optimizers.ts';
export * from './schedules.ts';
export * from './fit.ts';
export { autoencoderExamples, batchIndices, type AutoencoderExample, type AutoencoderExamplesOptions } from './autoencoderData.ts';
