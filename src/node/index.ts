/**
 * `ddsp/node`: what needs a file system, native modules or threads — Node, Deno and Bun, not
 * browsers. WAV files, SVG → PNG rendering, checkpoints, the checkpointing training loop,
 * data-parallel gradients, one-call autoencoder training, and helper threads for the spectral loss.
 * @example
 *   import { readWav, trainAutoencoder, lossPool } from 'ddsp/node';
 */
export { readWav, writeWav, svgToPng } from './files.ts';
export { saveCheckpoint, loadCheckpoint, listCheckpoints, type CheckpointData } from '../train/checkpoint.ts';
export * from '../train/loop.ts';
export * from '../train/parallel.ts';
export { trainAutoencoder, type TrainAutoencoderOptions } from '../train/autoencoderTrain.ts';
export { lossPool, type LossPool, type LossPoolOptions } from '../losses/lossPool.ts';
